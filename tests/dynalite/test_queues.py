"""The triage queues' data-layer tests (filters on the sparse GSIs, best fit first, topped-up pages) on dynalite.

Only the tests that talk to the table are taken: the ones through the signed-in admin pages need the app's
own stack, which dynalite cannot create (no CloudFormation).
"""
from tests.web.admin.conftest import people  # noqa: F401  (the accounts the queue fixture routes to)
from tests.web.admin.test_queues import (  # noqa: F401  (collected again here, on dynalite's table)
    queue,
    test_best_fit_first_is_ordered_by_score,
    test_combined_filters_top_up_the_page_and_say_when_they_stop_early,
    test_each_filter_is_a_key_condition_on_its_index_and_finds_exactly_its_matches,
)
