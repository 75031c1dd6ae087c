def agency(request):
    return {"agency": getattr(request, "agency", None), "policy": getattr(request, "policy", None)}
