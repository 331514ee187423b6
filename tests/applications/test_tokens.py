"""Status-link tokens: unguessable without the secret, stable for one submission, stored only as hashes."""
from portal.applications.tokens import status_token, token_hash


def test_tokens_depend_on_secret_and_submission_and_hash_differs():
    token = status_token("secret", "01SUBMISSION")
    assert token == status_token("secret", "01SUBMISSION")
    assert token != status_token("other", "01SUBMISSION") != status_token("secret", "01OTHER")
    assert len(token) >= 43 and "/" not in token and "=" not in token
    assert token_hash(token) != token and len(token_hash(token)) == 64
