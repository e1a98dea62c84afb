def landlord(request):
    """The landlord's name for every page's header, loaded lazily (one query when used)."""
    from django.utils.functional import SimpleLazyObject

    from putright.cases.models import LandlordSettings

    return {"landlord": SimpleLazyObject(LandlordSettings.load)}
