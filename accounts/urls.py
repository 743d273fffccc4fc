from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", twofactor.setup, name="two_factor_setup"),
    path("two-factor/verify/", twofactor.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", twofactor.recovery_codes, name="recovery_codes"),
    path("session/keep-alive/", views.session_keepalive, name="session_keepalive"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("staff/", views.staff_accounts, name="staff"),
    path("staff/two-factor-reset/", views.staff_two_factor_reset, name="staff_two_factor_reset"),
    path("staff/unlock/", views.staff_unlock, name="staff_unlock"),
]
