from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from netzwerk.audit.services import record
from netzwerk.auth.blueprint import bp
from netzwerk.auth.forms import ChangePasswordForm, LoginForm, NewPasswordForm, PasswordResetRequestForm
from netzwerk.auth.models import AccountStatus, TokenPurpose, User
from netzwerk.auth.permissions import login_required, public
from netzwerk.auth.services import (
    activate_account,
    authenticate,
    check_invitation,
    check_token,
    count_attempt,
    find_user_by_email,
    forgive_attempt,
    issue_token,
    safe_next_url,
    set_password,
    use_token,
)
from netzwerk.extensions import db, login_manager
from netzwerk.forms import form_status, small_int
from netzwerk.mail.services import external_url, queue_mail

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie holds "<id>:<session token>"; a replaced token (logout, new password) ends that session."""
    raw_pk, _sep, token = user_id.partition(":")
    user_pk = small_int(raw_pk)
    if user_pk is None or not token:
        return None
    user = db.session.get(User, user_pk)
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def start_session(user: User, remember: bool = False) -> None:
    session.clear()  # a fresh session at login: nothing from before survives (no session fixation)
    session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME unless "Angemeldet bleiben"
    login_user(user, remember=remember)


TOKEN_PROBLEMS = {
    "invalid": _l(
        "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen haben."
    ),
    "expired": _l("Dieser Link ist abgelaufen."),
    "used": _l("Dieser Link wurde bereits verwendet und gilt nicht mehr."),
    "inactive": _l("Dieses Konto ist gesperrt. Bitte wenden Sie sich an das Regionalmanagement."),
}


def token_problem_page(problem: str, purpose: TokenPurpose):
    return render_template("auth/token_problem.html", message=TOKEN_PROBLEMS[problem], purpose=purpose), 400


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user, verdict = authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            start_session(user, remember=form.remember.data)
            record("auth.login", user, actor=user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        if verdict.throttled:
            form.form_errors.append(verdict.message() + " " + _("Sie können auch Ihr Passwort zurücksetzen."))
            return render_template("auth/login.html", form=form), 429, verdict.headers()
        record("auth.login_failed", summary=form.email.data)  # throttled attempts are not logged: no flooding
        form.form_errors.append(_("E-Mail-Adresse oder Passwort ist nicht richtig."))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    user.end_all_sessions()
    record("auth.logout", user)
    logout_user()  # also deletes the remember-me cookie
    flash(_("Sie sind abgemeldet, auf allen Ihren Geräten."), "success")
    return redirect(url_for("main.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@public
def forgot_password():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data
        verdict = count_attempt("reset", email, request.remote_addr)
        if verdict.throttled:
            form.form_errors.append(verdict.message())
            return render_template("auth/forgot_password.html", form=form), 429, verdict.headers()
        user = find_user_by_email(email)
        if user is not None and user.status == AccountStatus.ACTIVE:
            raw = issue_token(user, TokenPurpose.PASSWORD_RESET, current_app.config["PASSWORD_RESET_VALID_FOR"])
            reset_url = external_url("auth.reset_password", token=raw)
            queue_mail(user.email, "password_reset", user=user, link=reset_url, by_scheduler=True)
            record("auth.password_reset_requested", user, actor=user)
        # The scheduler sends the mail (by_scheduler), not this request after its commit: the answer takes the
        # same time and says the same whether the account exists or not.
        flash(
            _(
                "Wenn zu dieser Adresse ein Konto besteht, haben wir Ihnen eine E-Mail mit einem Link geschickt. "
                "Der Link gilt eine Stunde."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), form_status(form)


@bp.route("/passwort-zuruecksetzen/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user_token, problem = check_token(token, TokenPurpose.PASSWORD_RESET)
    if user_token is None:  # then problem names why
        return token_problem_page(problem or "invalid", TokenPurpose.PASSWORD_RESET)
    user = user_token.user
    form = NewPasswordForm(user)
    if form.validate_on_submit():
        if not use_token(user_token):
            return token_problem_page("used", TokenPurpose.PASSWORD_RESET)
        set_password(user, form.password.data)
        record("auth.password_reset", user, actor=user)
        flash(_("Ihr neues Passwort ist gespeichert. Bitte melden Sie sich damit an."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), form_status(form)


@bp.route("/einladung/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    user_token, problem = check_invitation(token)
    if user_token is None:  # then problem names why
        return token_problem_page(problem or "invalid", TokenPurpose.INVITATION)
    user = user_token.user
    form = NewPasswordForm(user)
    if form.validate_on_submit():
        if not use_token(user_token):
            return token_problem_page("used", TokenPurpose.INVITATION)
        activate_account(user, form.password.data)
        record("user.invitation_accepted", user, actor=user)
        start_session(user)
        flash(_("Willkommen im Netzwerk Landshut, %(name)s! Ihr Konto ist eingerichtet.", name=user.name), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/accept_invitation.html", form=form, user=user), form_status(form)


@bp.route("/passwort-aendern", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.is_submitted():
        # the current password is checked here too: limit guessing by someone at an unlocked computer
        verdict = count_attempt("password", user.email, request.remote_addr)
        if verdict.throttled:
            form.form_errors.append(verdict.message())
            return render_template("auth/change_password.html", form=form), 429, verdict.headers()
    if form.validate_on_submit():
        forgive_attempt("password", user.email, verdict)
        set_password(user, form.password.data)  # also ends the user's other sessions
        record("auth.password_changed", user)
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        start_session(user, remember=remembered)
        flash(_("Ihr Passwort wurde geändert. Andere Anmeldungen mit dem alten Passwort sind beendet."), "success")
        return redirect(url_for("users.profile"))
    return render_template("auth/change_password.html", form=form), form_status(form)
