def context(request):
    """(actor, org, member) of an authenticated API request."""
    member = request.member
    request.user._crm_member = member  # actions reuse it instead of querying again
    return request.user, member.org, member
