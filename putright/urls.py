from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "PutRight"
admin.site.site_title = "PutRight"
admin.site.index_title = "Complaints, service requests and compliments"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
