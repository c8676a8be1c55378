"""The API's addresses, mounted under ``/api/`` by :mod:`isbenefit.service.urls`; the
OpenAPI description of all of them is ``/api/openapi.json``."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from isbenefit.service.api import documents, people, proposals, records, views

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api_openapi"),
    path("exchanges/", views.ExchangeList.as_view(), name="api_exchanges"),
    path("exchanges/<str:pk>/", views.ExchangeDetail.as_view(), name="api_exchange"),
    path(
        "exchanges/<str:pk>/confirm/", views.ExchangeConfirm.as_view(), name="api_exchange_confirm"
    ),
    path(
        "exchanges/<str:pk>/withdraw/",
        views.ExchangeWithdraw.as_view(),
        name="api_exchange_withdraw",
    ),
    path("proposals/", proposals.ProposalList.as_view(), name="api_proposals"),
    path(
        "proposals/<str:pk>/answer/",
        proposals.ProposalAnswer.as_view(),
        name="api_proposal_answer",
    ),
    path("years/", records.YearList.as_view(), name="api_years"),
    path("years/<int:year>/", records.YearDetail.as_view(), name="api_year"),
    path("years/<int:year>/close/", records.YearClose.as_view(), name="api_year_close"),
    path("documents/", documents.DocumentList.as_view(), name="api_documents"),
    path("documents/<str:pk>/pdf", documents.DocumentDownload.as_view(), name="api_document_pdf"),
    path(
        "documents/<str:pk>/revoke/",
        documents.DocumentRevoke.as_view(),
        name="api_document_revoke",
    ),
    path("jobs/", records.JobList.as_view(), name="api_jobs"),
    path("jobs/<str:pk>/", records.JobDetail.as_view(), name="api_job"),
    path("organisations/", people.OrganisationList.as_view(), name="api_organisations"),
    path(
        "organisations/<str:org_id>/",
        people.OrganisationDetail.as_view(),
        name="api_organisation",
    ),
    path("users/", people.UserList.as_view(), name="api_users"),
]
