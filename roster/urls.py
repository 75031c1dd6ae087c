from django.urls import path

from .views import applications, directory, me, oncall, push, schedule, team

app_name = "roster"

urlpatterns = [
    path("on-call/", oncall.lookup, name="lookup"),
    path("on-call/print/", oncall.print_roster, name="print"),
    path("me/", me.me, name="me"),
    path("me/push/", push.push_subscribe, name="push_subscribe"),
    path("me/push/stop/", push.push_unsubscribe, name="push_unsubscribe"),
    path("roster/", team.team, name="team"),
    path("roster/peers/<int:pk>/", team.peer_detail, name="peer"),
    path("roster/peers/<int:pk>/status/", team.peer_status, name="peer_status"),
    path("roster/peers/<int:pk>/agreement/", team.peer_agreement, name="peer_agreement"),
    path("roster/peers/<int:pk>/training/", team.peer_training, name="peer_training"),
    path("roster/peers/<int:pk>/memo/", team.peer_memo, name="peer_memo"),
    path("roster/peers/<int:pk>/role/", team.peer_role, name="peer_role"),
    path("roster/peers/<int:pk>/restore/", team.peer_restore, name="peer_restore"),
    path("roster/memos/<int:pk>/decide/", team.memo_decide, name="memo_decide"),
    path("roster/applications/", applications.application_list, name="applications"),
    path("roster/applications/new/", applications.application_new, name="application_new"),
    path("roster/applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "roster/applications/<int:pk>/interview/",
        applications.application_interview,
        name="application_interview",
    ),
    path(
        "roster/applications/<int:pk>/decide/",
        applications.application_decide,
        name="application_decide",
    ),
    path("roster/people/", directory.people, name="people"),
    path("roster/people/new/", directory.person_edit, name="person_new"),
    path("roster/people/<int:pk>/", directory.person_edit, name="person"),
    path("roster/people/export.csv", directory.export_people, name="people_export"),
    path("roster/people/import/", directory.import_people, name="people_import"),
    path(
        "roster/people/import/<int:pk>/confirm/",
        directory.import_confirm,
        name="people_import_confirm",
    ),
    path("roster/schedule/", schedule.schedule, name="schedule"),
    path("roster/schedule/<int:pk>/delete/", schedule.shift_delete, name="shift_delete"),
]
