from django.urls import path

from edudb.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("acknowledge/", views.acknowledge, name="acknowledge"),
    path("two-factor/", views.totp_enrol, name="totp_enrol"),
    path("", views.AccountListView.as_view(), name="list"),
    path("new/", views.account_issue, name="issue"),
    path("<int:pk>/", views.AccountDetailView.as_view(), name="detail"),
    path("<int:pk>/functions/", views.account_functions, name="functions"),
    path("<int:pk>/suspend/", views.account_suspend, name="suspend"),
    path("<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
    path("<int:pk>/reset-password/", views.account_reset_password, name="reset_password"),
    path("<int:pk>/handover/", views.account_handover, name="handover"),
    path("access/<int:pk>/", views.access_review, name="access_review"),
]
