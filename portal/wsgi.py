"""The one module-level WSGI app, for Zappa (`app_function`), gunicorn and `flask run`."""
from portal.web import create_app

app = create_app()
