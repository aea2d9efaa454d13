"""The pages people use, one module (or package) per blueprint: thin views that parse the
request, call ``engine`` and render a template from ``web/templates/<blueprint>/``.

May import ``engine`` and ``web``'s shared modules (extensions, filters, i18n, errors);
never ``web.api`` or ``web.cli``.
"""

from web.views import (
    account,
    admin,
    admin_alerts,  # noqa: F401 - adds the monitoring sources to admin.bp
    admin_audit,  # noqa: F401 - adds Jejak audit to admin.bp
    admin_identity,  # noqa: F401 - adds the office identity form to admin.bp
    admin_incidents,  # noqa: F401 - adds Proses bermasalah to admin.bp
    admin_mail_test,  # noqa: F401 - adds "Kirim surel uji" to admin.bp
    admin_settings,  # noqa: F401 - adds the settings pages to admin.bp
    admin_user_import,  # noqa: F401 - adds "Impor akun" to admin.bp
    admin_users,  # noqa: F401 - adds "Pengguna dan Peran" to admin.bp
    admin_versions,  # noqa: F401 - adds the version pages to admin.bp
    attachments,
    auth,
    desk,
    documents,
    inbox,
    inbox_tools,  # noqa: F401 - adds saved filters, bulk actions and polling to inbox.bp
    instances,
    notifications,
    substitution_work,  # noqa: F401 - adds the steps a Plh/Plt completed to substitutions.bp
    substitutions,
)
from web.views.reports import desk as reports_desk  # noqa: F401 - adds Layanan TI
from web.views.reports import step_runs as reports_step_runs  # noqa: F401 - a step's cases
from web.views.reports import views as reports

BLUEPRINTS = (auth.bp, account.bp, inbox.bp, attachments.bp, instances.bp, notifications.bp,
              admin.bp, documents.bp, substitutions.bp, reports.bp, desk.bp)
