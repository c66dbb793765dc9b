from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("workbench/evaluation/", views.rounds, name="rounds"),
    path("workbench/evaluation/new/", views.round_new, name="round_new"),
    path("workbench/evaluation/<int:pk>/", views.round_page, name="round"),
    path("workbench/evaluation/<int:pk>/open/", views.round_open, name="round_open"),
    path("workbench/evaluation/<int:pk>/close/", views.round_close, name="round_close"),
    path("workbench/evaluation/<int:pk>/subjects/<int:subject>/", views.subject_page, name="subject"),
    path(
        "workbench/evaluation/<int:pk>/subjects/<int:subject>/indicators/<int:indicator>/score/",
        views.score,
        name="score",
    ),
    path("workbench/evaluation/<int:pk>/scores/<int:score>/evidence/", views.evidence, name="evidence"),
    path("workbench/evaluation/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("workbench/evaluation/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
