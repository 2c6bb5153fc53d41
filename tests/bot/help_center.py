"""A small help center written for these tests (a fictional note-taking app), English and Spanish,
cut into sections as the help center hands them to the engine."""

from concierge.bot.engine import AnswerSection
from concierge.core.text import split_markdown_sections

ARTICLES = [
    (
        "reset-your-password",
        "en",
        "Reset your password",
        "Account",
        """If you forgot your password you can choose a new one from the sign-in page.

## Send yourself a reset link

On the sign-in page click **Forgot password?**, type the email address of your account and press
**Send link**. The email arrives within a few minutes; check your spam folder if it does not.

## The reset link has expired

A reset link works once and for one hour. If the page says the link has expired, ask for a new one
from the sign-in page: the old link stops working as soon as a new one is sent.
""",
    ),
    (
        "export-your-notes",
        "en",
        "Export your notes",
        "Data",
        """You can take a copy of all your notes at any time.

## Download every notebook as Markdown

Open **Settings → Data** and click **Export all**. We prepare a zip file with one Markdown file per
note, grouped in folders by notebook, and email you a download link.

## Export a single notebook as PDF

Open the notebook, click the **⋯** menu and choose **Export as PDF**. Images and checklists are
kept; comments are left out.
""",
    ),
    (
        "cancel-your-plan",
        "en",
        "Cancel your plan",
        "Billing",
        """You can cancel a paid plan whenever you like; you keep it until the end of the period you paid for.

## Cancel from the Billing page

Open **Settings → Billing**, click **Cancel plan** and confirm. Your workspace moves to the free plan
at the end of the billing period and you are not charged again.

## What you keep on the free plan

All your notes stay, but notebooks beyond the first three become read-only and shared notebooks stop
syncing with guests.
""",
    ),
    (
        "share-a-notebook",
        "en",
        "Share a notebook with your team",
        "Collaboration",
        """Notebooks can be shared with teammates and guests.

## Invite people to a notebook

Open the notebook, click **Share**, type their email addresses and pick a role: viewer, commenter or
editor. They receive an invitation by email.

## Remove someone's access

Open **Share**, find the person in the list and click **Remove**. They lose access at once.
""",
    ),
    (
        "sincronizar-el-calendario",
        "es",
        "Sincronizar el calendario",
        "Integraciones",
        """Las notas con fecha pueden aparecer en tu calendario.

## Conectar Google Calendar

Abre **Ajustes → Integraciones**, pulsa **Conectar** junto a Google Calendar y autoriza el acceso.
Las notas con fecha aparecen como eventos en unos minutos.

## Dejar de sincronizar

Pulsa **Desconectar** en la misma página; los eventos ya creados se borran del calendario.
""",
    ),
    (
        "modo-sin-conexion",
        "es",
        "Usar la aplicación sin conexión",
        "Aplicaciones",
        """La aplicación móvil guarda tus notas para que puedas leerlas y editarlas sin internet.

## Activar el modo sin conexión

En la aplicación, abre **Perfil → Sin conexión** y elige los cuadernos que quieres guardar en el
teléfono.

## Cuando vuelve la conexión

Los cambios se sincronizan solos al recuperar la conexión; si dos personas editaron la misma nota,
se guardan las dos versiones.
""",
    ),
    (
        "esporta-le-note",
        "it",
        "Esportare le note",
        "Dati",
        """Puoi scaricare una copia delle tue note in qualsiasi momento.

## Scaricare tutti i quaderni

Apri **Impostazioni → Dati** e fai clic su **Esporta tutto**: ricevi un link per scaricare un file zip.
""",
    ),
]


def sections() -> list[AnswerSection]:
    return [
        AnswerSection(slug, locale, title, collection, part.heading, part.text)
        for slug, locale, title, collection, body in ARTICLES
        for part in split_markdown_sections(body)
    ]
