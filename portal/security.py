"""Cross-cutting protections shared by the blueprints: CSRF for every state-changing form."""
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
