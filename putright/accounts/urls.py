from django.urls import path

from putright.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("account/password/", views.ChangePasswordView.as_view(), name="change-password"),
    path("account/password/changed/", views.PasswordChangedView.as_view(), name="password-changed"),
]
