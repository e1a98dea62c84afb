from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render

from putright.protect import throttle


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget = forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "class": "govuk-input govuk-!-width-one-half"}
        )
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "govuk-input govuk-!-width-one-half"}
        )
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from putright.sso import config as sso

        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso.enabled()
        context["sso_name"] = sso.provider_name()
        context["password_allowed"] = sso.password_sign_in_allowed()
        return context

    def post(self, request, *args, **kwargs):
        from putright.sso import config as sso

        if not sso.password_sign_in_allowed():
            # Single sign-on only (PUTRIGHT_PASSWORD_SIGN_IN=0): no password is checked at all.
            return self.render_to_response(self.get_context_data(password_refused=True), status=403)
        # Besides django-axes (5 failures for a username from one address), throttle one address
        # across all usernames and one username across all addresses (putright/protect/throttle.py).
        # Known and unknown usernames are counted and answered alike.
        address = throttle.client_address(request)
        username = (request.POST.get("username") or "").strip()
        if throttle.exceeded("sign-in-address", address) or throttle.exceeded("sign-in-account", username):
            return render(request, "accounts/locked_out.html", status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            throttle.count("sign-in-address", address)
            if username:
                throttle.count("sign-in-account", username)
        return response


class SignOutView(auth_views.LogoutView):
    """Ends the PutRight session; after single sign-on, the provider's too where it offers
    RP-initiated logout (putright.sso.views.end_session_url)."""

    def post(self, request, *args, **kwargs):
        from putright.sso.views import end_session_url

        provider_url = end_session_url(request)  # read before the session (and its ID token) goes
        response = super().post(request, *args, **kwargs)
        if provider_url and response.status_code == 302:
            return HttpResponseRedirect(provider_url)
        return response


class ChangePasswordView(auth_views.PasswordChangeView):
    """Every member of staff can change their own password (the old one, then the new one twice)."""

    template_name = "accounts/change_password.html"
    success_url = "/account/password/changed/"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name, label, autocomplete in (
            ("old_password", "Your current password", "current-password"),
            ("new_password1", "New password", "new-password"),
            ("new_password2", "New password again", "new-password"),
        ):
            form.fields[name].label = label
            form.fields[name].widget.attrs.update({"autocomplete": autocomplete, "class": "govuk-input govuk-!-width-one-half"})
        form.fields["old_password"].error_messages["required"] = "Enter your current password"
        form.fields["new_password1"].error_messages["required"] = "Enter a new password"
        form.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        form.fields["new_password1"].help_text = "At least 12 characters. A few words you will remember is a good password."
        return form


class PasswordChangedView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_changed.html"
