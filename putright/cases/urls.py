from django.urls import path

from putright.cases.views import case, late, log, queue, worklists

app_name = "cases"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("log/", log.log_case, name="log"),
    path("late-entries/", late.late_entries, name="late_entries"),
    path("worklists/", worklists.worklists_page, name="worklists"),
    path("<str:reference>/", case.detail, name="detail"),
    path("<str:reference>/attachments/<int:pk>/", case.attachment, name="attachment"),
    path("<str:reference>/<slug:action>/", case.action, name="action"),
]
