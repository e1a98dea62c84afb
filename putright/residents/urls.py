from django.urls import path

from putright.residents import views

app_name = "residents"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/restrict/", views.add_restriction, name="restrict"),
    path("<int:pk>/restrictions/<int:rid>/review/", views.review_restriction, name="review-restriction"),
    path("<int:pk>/restrictions/<int:rid>/end/", views.end_restriction, name="end-restriction"),
    path("<int:pk>/adjustments/new/", views.add_adjustment, name="add-adjustment"),
    path("<int:pk>/representatives/<int:rid>/consent/", views.record_consent, name="record-consent"),
    path("<int:pk>/adjustments/<int:aid>/review/", views.review_adjustment, name="review-adjustment"),
]
