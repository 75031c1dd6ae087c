from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("accounts/mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("accounts/mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("accounts/security/", views.security_page, name="account"),
    path("accounts/security/recovery-codes/", views.new_codes, name="new_codes"),
    path("<slug:agency_slug>/audit/", views.audit_log, name="audit"),
    path("<slug:agency_slug>/security/lockouts/", views.lockouts, name="lockouts"),
    path("<slug:agency_slug>/security/lockouts/unlock/", views.unlock, name="unlock"),
]
