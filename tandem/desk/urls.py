from django.urls import path

from tandem.desk.views import customers, home, products, public, setup, ticket_page, tickets

app_name = "desk"
urlpatterns = [
    path("c/<str:token>/", public.customer_ticket, name="customer_ticket"),
    path("c/<str:token>/files/<int:attachment_id>/", public.customer_file, name="customer_file"),
    path("rate/<str:token>/", public.rate, name="rate"),
    path("invitation/<str:token>/", public.invitation, name="invitation"),
    path("portals/new/", home.new_portal, name="new_portal"),
    path("<slug:slug>/", home.home, name="home"),
    path("<slug:slug>/tickets/", tickets.ticket_list, name="tickets"),
    path("<slug:slug>/tickets/new/", tickets.new_ticket, name="new_ticket"),
    path("<slug:slug>/tickets/export.csv", tickets.export_csv, name="tickets_export"),
    path("<slug:slug>/tickets/<int:ticket_id>/", ticket_page.ticket_page, name="ticket"),
    path("<slug:slug>/tickets/<int:ticket_id>/send/", ticket_page.send, name="ticket_send"),
    path(
        "<slug:slug>/tickets/<int:ticket_id>/comment/", ticket_page.comment, name="ticket_comment"
    ),
    path("<slug:slug>/tickets/<int:ticket_id>/update/", ticket_page.update, name="ticket_update"),
    path(
        "<slug:slug>/tickets/<int:ticket_id>/history/", ticket_page.history, name="ticket_history"
    ),
    path(
        "<slug:slug>/tickets/field-choices/",
        ticket_page.field_choices,
        name="ticket_field_choices",
    ),
    path("<slug:slug>/tickets/<int:ticket_id>/delete/", ticket_page.delete, name="ticket_delete"),
    path("<slug:slug>/tickets/<int:ticket_id>/attach/", ticket_page.attach, name="ticket_attach"),
    path("<slug:slug>/attachments/<int:attachment_id>/", ticket_page.download, name="attachment"),
    path("<slug:slug>/contacts/", customers.contacts, name="contacts"),
    path("<slug:slug>/contacts/<int:contact_id>/", customers.contact, name="contact"),
    path("<slug:slug>/accounts/", customers.accounts, name="accounts"),
    path("<slug:slug>/accounts/<int:account_id>/", customers.account, name="account"),
    path("<slug:slug>/products/", products.products, name="products"),
    path("<slug:slug>/products/<int:product_id>/", products.product, name="product"),
    path("<slug:slug>/setup/", setup.setup, name="setup"),
]
