from ronghe.core.permissions import require


@require("members.view")
def member_list(request):
    pass
