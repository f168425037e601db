from django.urls import include, path

from tandem.crm.views import home, imports, invitations, records, setup, signals

app_name = "crm"

setup_urls = [
    path("", setup.setup_home, name="setup"),
    path("users/", setup.users, name="setup_users"),
    path("users/<int:user_id>/", setup.user_change, name="setup_user_change"),
    path("profiles/", setup.profiles, name="setup_profiles"),
    path("profiles/new/", setup.profile_edit, name="setup_profile_new"),
    path("profiles/<int:profile_id>/", setup.profile_edit, name="setup_profile"),
    path("profiles/<int:profile_id>/delete/", setup.profile_delete, name="setup_profile_delete"),
    path("modules/", setup.modules, name="setup_modules"),
    path("modules/<str:module>/", setup.module_fields, name="setup_module"),
    path("modules/<str:module>/delete/", setup.module_delete, name="setup_module_delete"),
    path("modules/<str:module>/fields/<str:field>/", setup.field_change, name="setup_field"),
    path("marketplace/", setup.marketplace, name="setup_marketplace"),
    path("channels/salessignals/", setup.signal_channels, name="setup_signals"),
]

org_urls = [
    path("", home.home, name="home"),
    path("setup/", include(setup_urls)),
    path("people/options/", records.owner_options, name="owner_options"),
    path("signals/", signals.inbox, name="signals"),
    path("signals/stream/", signals.stream, name="signals_stream"),
    path("signals/read-all/", signals.mark_all_read, name="signals_read_all"),
    path("signals/<int:signal_id>/", signals.signal_detail, name="signal"),
    path("signals/<int:signal_id>/read/", signals.mark_read, name="signal_read"),
    path("m/<str:module>/", records.record_list, name="list"),
    path("m/<str:module>/new/", records.record_create, name="create"),
    path("m/<str:module>/options/", records.lookup_options, name="lookup_options"),
    path("m/<str:module>/filter-value/", records.filter_value, name="filter_value"),
    path("m/<str:module>/export.csv", imports.export_csv, name="export"),
    path("m/<str:module>/import/", imports.import_upload, name="import"),
    path("m/<str:module>/import/<int:job_id>/", imports.import_job, name="import_job"),
    path("m/<str:module>/<int:record_id>/", records.record_page, name="record"),
    path("m/<str:module>/<int:record_id>/edit/", records.record_edit, name="edit"),
    path("m/<str:module>/<int:record_id>/owner/", records.record_assign, name="assign"),
    path("m/<str:module>/<int:record_id>/delete/", records.record_delete, name="delete"),
]

urlpatterns = [
    path("invitations/<str:token>/", invitations.accept, name="invitation"),
    path("<slug:slug>/", include(org_urls)),
]
