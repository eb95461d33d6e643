from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from netzwerk.auth.services import PASSWORD_MAX_LENGTH, password_problem, verify_password
from netzwerk.forms import BaseForm, email_field


class LoginForm(BaseForm):
    email = email_field(_l("E-Mail-Adresse"), render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Passwort"),
        validators=[
            DataRequired(_l("Bitte geben Sie Ihr Passwort ein.")),
            Length(max=PASSWORD_MAX_LENGTH, message=_l("Das Passwort ist zu lang.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Angemeldet bleiben (höchstens 30 Tage)"))
    submit = SubmitField(_l("Anmelden"))


class NewPasswordForm(BaseForm):
    """Set a new password; checks length, common passwords and the user's own name and address."""

    password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie ein neues Passwort ein."))],
        description=_l("Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist sicher und gut zu merken."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(_l("Bitte wiederholen Sie das neue Passwort.")),
            EqualTo("password", _l("Die beiden Passwörter stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Passwort speichern"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", (self.user.email, self.user.name, "landshut", "netzwerk"))
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie Ihr bisheriges Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_current_password(self, field) -> None:
        if not verify_password(self.user, field.data or ""):
            raise ValidationError(_l("Das bisherige Passwort ist nicht richtig."))


class PasswordResetRequestForm(BaseForm):
    email = email_field(_l("E-Mail-Adresse"), render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Link anfordern"))
