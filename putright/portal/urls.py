from django.urls import path

from putright.portal.views import complain, consent, info, track

app_name = "portal"
urlpatterns = [
    path("", complain.start, name="start"),
    path("complain/check-answers/", complain.check_answers, name="check-answers"),
    path("complain/sent/", complain.sent, name="sent"),
    path("complain/<slug:step>/", complain.question, name="question"),
    path("track/", track.sign_in, name="sign-in"),
    path("track/code/", track.enter_code, name="code"),
    path("track/link/<str:token>/", track.link, name="link"),
    path("track/sign-out/", track.sign_out, name="sign-out"),
    path("my-cases/", track.my_cases, name="my-cases"),
    path("my-cases/<str:reference>/", track.case_detail, name="case"),
    path("my-cases/<str:reference>/add-information/", track.add_information, name="add-information"),
    path("my-cases/<str:reference>/stage-2/", track.stage_two, name="stage-two"),
    path("my-cases/<str:reference>/not-received/", track.not_received, name="not-received"),
    path("my-cases/<str:reference>/survey/", track.survey, name="survey"),
    path("my-cases/<str:reference>/representative/", consent.answer, name="representative"),
    path("my-cases/<str:reference>/files/<int:pk>/", track.attachment, name="attachment"),
    path("how-to-complain/", info.how_to_complain, name="how-to-complain"),
    path("how-to-complain/stages/", info.stages, name="stages"),
    path("how-to-complain/ombudsman/", info.ombudsman, name="ombudsman"),
    path("published-reports/", info.reports, name="reports"),
    path("published-reports/<int:pk>/", info.report_file, name="report-file"),
]
