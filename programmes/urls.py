from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("etablissements/", views.EstablishmentList.as_view(), name="establishment_list"),
    path("etablissements/nouveau/", views.EstablishmentCreate.as_view(), name="establishment_create"),
    path("etablissements/<int:pk>/", views.EstablishmentDetail.as_view(), name="establishment_detail"),
    path("etablissements/<int:pk>/modifier/", views.EstablishmentUpdate.as_view(), name="establishment_update"),
    path("siae/", views.SiaeList.as_view(), name="siae_list"),
    path("siae/nouvelle/", views.SiaeCreate.as_view(), name="siae_create"),
    path("siae/<int:pk>/", views.SiaeDetail.as_view(), name="siae_detail"),
    path("siae/<int:pk>/modifier/", views.SiaeUpdate.as_view(), name="siae_update"),
    path("programmes/", views.ProgrammeList.as_view(), name="programme_list"),
    path("programmes/nouveau/", views.ProgrammeCreate.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetail.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/modifier/", views.ProgrammeUpdate.as_view(), name="programme_update"),
    path("conventions/", views.ConventionList.as_view(), name="convention_list"),
    path("conventions/nouvelle/", views.ConventionCreate.as_view(), name="convention_create"),
    path("conventions/<int:pk>/", views.ConventionDetail.as_view(), name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.ConventionUpdate.as_view(), name="convention_update"),
    path("conventions/<int:pk>/valider/", views.ConventionValidate.as_view(), name="convention_validate"),
    path("conventions/<int:pk>/annexes/nouvelle/", views.AnnexCreate.as_view(), name="annex_create"),
    path("annexes/<int:pk>/modifier/", views.AnnexUpdate.as_view(), name="annex_update"),
    path("annexes/<int:pk>/valider/", views.AnnexValidate.as_view(), name="annex_validate"),
    path("programmes/<int:pk>/contrats/nouveau/", views.ContractCreate.as_view(), name="contract_create"),
    path("contrats/<int:pk>/modifier/", views.ContractUpdate.as_view(), name="contract_update"),
    path("programmes/<int:pk>/partenariats/nouveau/", views.PartnershipCreate.as_view(), name="partnership_create"),
    path("partenariats/<int:pk>/", views.PartnershipDetail.as_view(), name="partnership_detail"),
    path("partenariats/<int:pk>/modifier/", views.PartnershipUpdate.as_view(), name="partnership_update"),
    path("financements/", views.FundingList.as_view(), name="funding_list"),
    path("programmes/<int:pk>/financements/nouveau/", views.FundingCreate.as_view(), name="funding_create"),
    path("financements/<int:pk>/modifier/", views.FundingUpdate.as_view(), name="funding_update"),
]
