"""Response headers every page and file gets (static files are served earlier, by WhiteNoise, and keep theirs)."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages and downloads carry figures and names: no browser or proxy may keep a copy (Cache-Control: no-store),
    so that the next person at a shared office computer cannot read them from the cache or the back button."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
