from django.urls import path

from putright.letters import views

app_name = "letters"
urlpatterns = [
    path("case/<str:reference>/draft/<slug:kind>/", views.draft, name="draft"),
    path("case/<str:reference>/bundle/<slug:audience>/", views.bundle, name="bundle"),
    path("<int:pk>/", views.letter, name="letter"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
