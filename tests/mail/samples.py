"""Raw messages shaped like what Gmail, Outlook and Apple Mail send (written for these tests, with
the header shapes those clients use: Gmail's CA+…@mail.gmail.com ids and gmail_quote, Outlook's
Thread-Index/Thread-Topic and its "From: … Sent: …" quote, Apple Mail's Apple-Mail boundaries and
"> On …, at …, … wrote:" quote). Each returns bytes with CRLF line ends, as on the wire."""

import base64


def _crlf(text: str) -> bytes:
    return text.strip("\n").replace("\n", "\r\n").encode() + b"\r\n"


def _refs(ids: list[str]) -> str:
    return " ".join(f"<{i}>" for i in ids)


def gmail_first(
    *,
    subject="Export fails on large files",
    sender="Casey Customer <casey@gmail.test>",
    to="support@acme.test",
    message_id="CAF8x2Q0first@mail.gmail.com",
) -> bytes:
    return _crlf(f"""
MIME-Version: 1.0
Date: Tue, 3 Mar 2026 09:12:44 -0500
Message-ID: <{message_id}>
Subject: {subject}
From: {sender}
To: {to}
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"

--000000000000a1b2c3d4e5f60718
Content-Type: text/plain; charset="UTF-8"

Hi,

My CSV export stops at 10,000 rows. Is there a limit?

Thanks,
Casey

--000000000000a1b2c3d4e5f60718
Content-Type: text/html; charset="UTF-8"

<div dir="ltr"><div>Hi,</div><div><br></div><div>My CSV export stops at 10,000 rows. Is there a limit?</div><div><br></div><div>Thanks,</div><div>Casey</div></div>

--000000000000a1b2c3d4e5f60718--
""")


def gmail_reply(
    *,
    replying_to: str,
    references: list[str],
    subject="Re: Export fails on large files",
    message_id="CAF8x2Q0second@mail.gmail.com",
    to="Acme Support <support@acme.test>",
) -> bytes:
    return _crlf(f"""
MIME-Version: 1.0
Date: Tue, 3 Mar 2026 11:02:10 -0500
References: {_refs(references)}
In-Reply-To: <{replying_to}>
Message-ID: <{message_id}>
Subject: {subject}
From: Casey Customer <casey@gmail.test>
To: {to}
Content-Type: multipart/alternative; boundary="000000000000b2c3d4e5f6071829"

--000000000000b2c3d4e5f6071829
Content-Type: text/plain; charset="UTF-8"

That worked, thank you! One more thing: can I schedule it?

On Tue, Mar 3, 2026 at 10:30 AM Avery Agent from Acme Support <
support@acme.test> wrote:

> Hi Casey, the export has no limit; try the new button.
>
> --
> The Acme team
>

--000000000000b2c3d4e5f6071829
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">That worked, thank you! One more thing: can I schedule it?</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Mar 3, 2026 at 10:30 AM Avery Agent from Acme Support &lt;<a href="mailto:support@acme.test">support@acme.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Hi Casey, the export has no limit; try the new button.</blockquote></div>

--000000000000b2c3d4e5f6071829--
""")


def outlook_reply(
    *,
    to: str,
    references: list[str] | None = None,
    replying_to: str = "",
    message_id="DM6PR11MB4react0001@DM6PR11MB4.namprd11.prod.outlook.test",
    sender="Dana Ops <dana@contoso.test>",
    subject="RE: Export fails on large files",
) -> bytes:
    threading = ""
    if replying_to:
        threading += f"In-Reply-To: <{replying_to}>\n"
    if references:
        threading += f"References: {_refs(references)}\n"
    return _crlf(f"""
From: {sender}
To: {to}
CC: Casey Customer <casey@gmail.test>
Subject: {subject}
Thread-Topic: Export fails on large files
Thread-Index: AQHaNpm5xYzAbCdEfGhIjKlMnOpQrg==
Date: Tue, 3 Mar 2026 16:20:31 +0000
Message-ID: <{message_id}>
{threading}Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
\tboundary="_000_DM6PR11MB4react0001DM6PR11MB4namp_"
MIME-Version: 1.0

--_000_DM6PR11MB4react0001DM6PR11MB4namp_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

I run the exports for Casey's team - scheduling would help us a lot.

Dana Ops
Operations Lead, Contoso

________________________________
From: Avery Agent from Acme Support <support@acme.test>
Sent: Tuesday, March 3, 2026 3:30 PM
To: Casey Customer <casey@gmail.test>
Subject: Re: Export fails on large files

Hi Casey, the export has no limit; try the new button.

--_000_DM6PR11MB4react0001DM6PR11MB4namp_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
=3Dus-ascii"></head><body><div class=3D"WordSection1"><p class=3D"MsoNormal=
">I run the exports for Casey's team - scheduling would help us a lot.</p><=
div id=3D"divRplyFwdMsg"><b>From:</b> Avery Agent from Acme Support</div></=
div></body></html>

--_000_DM6PR11MB4react0001DM6PR11MB4namp_--
""")


def apple_mail_reply(
    *,
    quoted_marker: str,
    message_id="5C2E9F14-7A3B-4D2E-9C11-AB12CD34EF56@gmail.test",
    with_image: bool = True,
) -> bytes:
    """Headers that say nothing of the thread (a client that lost them): only the hidden marker, in
    the quoted history, ties it to its conversation. With an inline image (cid:)."""
    png = base64.b64encode(TINY_PNG).decode()
    return _crlf(f"""
From: Casey Customer <casey@gmail.test>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
Subject: Re: Export fails on large files
Date: Wed, 4 Mar 2026 08:01:12 +0100
Message-Id: <{message_id}>
To: Acme Support <support@acme.test>
X-Mailer: Apple Mail (2.3774.600.62)

--Apple-Mail=_0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Here is the screenshot of the schedule screen.

> On 3 Mar 2026, at 16:30, Avery Agent from Acme Support <support@acme.test> wrote:
>
> Hi Casey, the export has no limit; try the new button.
>
> {quoted_marker}

--Apple-Mail=_0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="Apple-Mail=_9A8B7C6D-5E4F-3A2B-1C0D-EFEDCBA98765"

--Apple-Mail=_9A8B7C6D-5E4F-3A2B-1C0D-EFEDCBA98765
Content-Transfer-Encoding: 7bit
Content-Type: text/html;
\tcharset=us-ascii

<html><head></head><body style="overflow-wrap: break-word;">Here is the screenshot of the schedule screen.<br><img src="cid:B1C2D3E4-screenshot@apple.test" alt="screen"><script>alert(1)</script><img src="https://tracker.test/pixel.gif"><blockquote type="cite"><div>On 3 Mar 2026, at 16:30, Avery Agent wrote:</div><div>{quoted_marker}</div></blockquote></body></html>
--Apple-Mail=_9A8B7C6D-5E4F-3A2B-1C0D-EFEDCBA98765
Content-Transfer-Encoding: base64
Content-Disposition: inline;
\tfilename=screenshot.png
Content-Type: image/png;
\tname="screenshot.png"
Content-Id: <B1C2D3E4-screenshot@apple.test>

{png}
--Apple-Mail=_9A8B7C6D-5E4F-3A2B-1C0D-EFEDCBA98765--

--Apple-Mail=_0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0--
""")


def plain(
    *,
    sender="casey@gmail.test",
    to="support@acme.test",
    subject="Hello",
    body="Hello there",
    message_id="plain-1@client.test",
    extra_headers: str = "",
) -> bytes:
    return _crlf(f"""
From: {sender}
To: {to}
Subject: {subject}
Message-ID: <{message_id}>
{extra_headers}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
""")


def with_attachment(*, size: int, filename="big.bin", message_id="big-1@client.test") -> bytes:
    payload = base64.encodebytes(b"\0" * size).decode()
    return _crlf(f"""
From: casey@gmail.test
To: support@acme.test
Subject: A file
Message-ID: <{message_id}>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

Here it is.
--b1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="{filename}"
Content-Transfer-Encoding: base64

{payload}
--b1--
""")


TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
