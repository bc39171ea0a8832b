"""What a user types in the registry forms (POST data), valid unless overridden."""

INVALID_CHOICE = "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."


def programme_data(scope, **overrides) -> dict:
    data = {
        "code": "ALPHA-2", "siae": scope.siae.pk, "establishment": scope.establishment.pk, "quartier": "",
        "activity": "Blanchisserie", "sector": "", "start_date": "", "end_date": "",
        "phase": "DEPLOYMENT", "stage": "EMERGENCE", "places_planned": "", "etp_planned": "",
    }
    return {**data, **overrides}


def siae_data(**overrides) -> dict:
    data = {"name": "Atelier du Sud", "kind": "ACI", "siret": "73282932000074", "legal_form": "", "network": "",
            "department": "77", "address": "", "director_name": ""}
    return {**data, **overrides}
