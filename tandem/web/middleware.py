from tandem.web.api import problem_response


class ApiProblemMiddleware:
    """Under /api/, answers Django makes before an endpoint runs (405 wrong method) are
    problem+json like every other API error, not HTML."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 405
            and response.get("Content-Type", "").split(";")[0] != "application/problem+json"
        ):
            allowed = response.get("Allow", "")
            problem = problem_response(
                405, f"{request.method} is not allowed here. Allowed: {allowed or 'none'}."
            )
            if allowed:
                problem["Allow"] = allowed
            return problem
        return response
