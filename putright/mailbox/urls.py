from django.urls import path

from putright.mailbox import views

app_name = "mailbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/log/", views.log_message, name="log"),
    path("<int:pk>/not-a-case/", views.set_aside, name="set-aside"),
]
