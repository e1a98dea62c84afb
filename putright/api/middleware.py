from putright.api.keys import record_status


class ApiUseStatusMiddleware:
    """Writes the answer's status onto the record of an API request (`ApiKeyUse`), once known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        use = getattr(request, "_api_use", None)  # the use's id (putright.api.keys.record_use)
        if use is not None:
            record_status(use, response.status_code)
        return response
