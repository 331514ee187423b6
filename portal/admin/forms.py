"""Forms of the admin pages."""
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.fields import EmailField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", [DataRequired("Enter your e-mail address.")], render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Password", [DataRequired("Enter your password.")], render_kw={"autocomplete": "current-password"}
    )


class LogoutForm(FlaskForm):
    """Empty but for its CSRF token: signing out changes state, so it is a POST."""
