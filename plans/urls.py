"""plans: the contact log, plans, goals, tasks, my tasks and a client's timeline."""

from django.urls import path

from audit.middleware import audited_view

from . import assessment_views, closure_views, group_session_views, referral_views, views

app_name = "plans"

urlpatterns = [
    path("clients/<int:client_pk>/timeline/", views.timeline, name="timeline"),
    path("clients/<int:client_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("families/<int:family_pk>/contacts/new/", views.contact_create_family, name="contact_create_family"),
    path("clients/<int:client_pk>/plans/new/", views.plan_create, name="plan_create"),
    path("families/<int:family_pk>/plans/new/", views.plan_create_family, name="plan_create_family"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("<int:pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_pk>/tasks/new/", views.task_add, name="task_add"),
    path("goals/<int:goal_pk>/status/", views.goal_status, name="goal_status"),
    path("<int:pk>/review/", views.plan_review, name="plan_review"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views.task_update, name="task_update"),
    path("tasks/<int:pk>/notes/", views.task_note_add, name="task_note_add"),
    path("clients/<int:client_pk>/referrals/new/", referral_views.referral_create, name="referral_create"),
    path(
        "families/<int:family_pk>/referrals/new/",
        referral_views.referral_create_family,
        name="referral_create_family",
    ),
    path("referrals/", referral_views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/outcome/", referral_views.referral_outcome, name="referral_outcome"),
    path("clients/<int:client_pk>/close/", closure_views.case_close, name="case_close"),
    path("clients/<int:client_pk>/reopen/", closure_views.case_reopen, name="case_reopen"),
    path("clients/<int:client_pk>/follow-up-done/", closure_views.follow_up_done, name="follow_up_done"),
    path("clients/<int:client_pk>/assessments/new/", assessment_views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment_detail"),
    path("group-sessions/", group_session_views.group_session_list, name="group_session_list"),
    path("group-sessions/new/", group_session_views.group_session_create, name="group_session_create"),
    path("group-sessions/<int:pk>/", group_session_views.group_session_detail, name="group_session_detail"),
    path("group-sessions/<int:pk>/edit/", group_session_views.group_session_edit, name="group_session_edit"),
    path("institutions/", referral_views.institution_list, name="institution_list"),
    path("institutions/new/", referral_views.institution_create, name="institution_create"),
    path("institutions/<int:pk>/edit/", referral_views.institution_edit, name="institution_edit"),
]

audited_view("plans:timeline", "clients.client", kwarg="client_pk")
audited_view("plans:plan_detail", "plans.plan")
audited_view("plans:assessment_detail", "plans.assessment")
audited_view("plans:group_session_detail", "plans.groupsession")
