//! Failures before any answer came, and Keyway's own sign-in outcomes.

use super::{e, Entry};

/// Failures before any answer, and Keyway's own sign-in outcomes.
pub static LOCAL: &[Entry] = &[
    e(
        "TRANSPORT_TIMEOUT",
        "No answer in time",
        "The service did not answer before Keyway stopped waiting. The network may be slow, or a \
         firewall may be silently dropping the connection.",
        &[
            "Check that this computer is online.",
            "Try again.",
            "If you are on a company network, ask your IT team whether Microsoft's sign-in and \
             Power BI addresses are allowed.",
        ],
        None,
    ),
    e(
        "TRANSPORT_DNS",
        "The service's address could not be found",
        "The computer could not look up the service's name: no network, a DNS problem, or a cloud \
         with a different address.",
        &[
            "Check that this computer is online.",
            "Check the cloud chosen in Keyway.",
        ],
        None,
    ),
    e(
        "TRANSPORT_REFUSED",
        "The connection was refused",
        "Nothing answered at that address, or a firewall refused the connection.",
        &[
            "Check that this computer is online.",
            "If you are on a company network, ask your IT team about the firewall or proxy.",
        ],
        None,
    ),
    e(
        "TRANSPORT_TLS",
        "The secure connection was not trusted",
        "The certificate presented by the other side was not trusted. A company proxy that \
         inspects traffic is the usual cause.",
        &[
            "Ask your IT team whether a proxy inspects secure connections.",
            "Its certificate must be trusted by this computer.",
        ],
        None,
    ),
    e(
        "TRANSPORT_TLS_NAME",
        "The secure connection was for another name",
        "The service presented a certificate for a different name than the address Keyway \
         called, so Keyway did not trust it. The address may be wrong, or a proxy may be \
         answering in the service's place.",
        &[
            "Check the cloud chosen in Keyway, and any custom addresses, for typing mistakes.",
            "If you are on a company network, ask your IT team whether a proxy answers for \
             Microsoft's addresses.",
        ],
        None,
    ),
    e(
        "TRANSPORT_TLS_UNKNOWN_ISSUER",
        "The secure connection came from an unknown authority",
        "The service's certificate was issued by a certificate authority this computer does not \
         trust. On a company network, a proxy that inspects secure connections with the \
         company's own authority is the usual cause.",
        &[
            "Ask your IT team for the company's certificate authority (CA) file, in PEM form.",
            "Trust it in Keyway's Settings, under \"Company certificate authority\" (with the \
             keyway command: keyway ca trust FILE; for one run: --ca-cert FILE, or the \
             KEYWAY_CA_CERT environment variable).",
        ],
        None,
    ),
    e(
        "TRANSPORT_CLOSED",
        "The connection closed half-way",
        "The service, or something between it and this computer, closed the connection before \
         the whole answer came: an unsteady network, a proxy or a firewall.",
        &[
            "Try again in a moment.",
            "If it keeps happening, ask your IT team whether a proxy or firewall cuts these \
             connections.",
        ],
        None,
    ),
    e(
        "TRANSPORT_OTHER",
        "The connection failed",
        "The request could not be completed for a network reason.",
        &["Check the network and try again."],
        None,
    ),
    e(
        "UNEXPECTED_RESPONSE",
        "An unexpected answer came back",
        "Something answered, but not the way Microsoft's service does: often a proxy's page, or \
         the wrong cloud.",
        &[
            "Check the cloud chosen in Keyway.",
            "If you are behind a company proxy, ask your IT team.",
        ],
        None,
    ),
    e(
        "CERTIFICATE_UNUSABLE",
        "The certificate can't be used",
        "The certificate file could not be read, has no private key, has the wrong password, or \
         has expired.",
        &[
            "Choose a .pfx or .pem file that includes the private key.",
            "Check its password and expiry date.",
        ],
        None,
    ),
    e(
        "SIGN_IN_DECLINED",
        "The sign-in was declined",
        "The sign-in was refused on the sign-in page.",
        &["Start again and approve the sign-in."],
        None,
    ),
    e(
        "SIGN_IN_EXPIRED",
        "The sign-in was not finished in time",
        "The code or the browser page waited too long without the sign-in being completed.",
        &["Start the sign-in again and finish it within a few minutes."],
        None,
    ),
    e(
        "SIGN_IN_CANCELLED",
        "The sign-in was cancelled",
        "It was stopped here in Keyway.",
        &["Start it again when you are ready."],
        None,
    ),
    e(
        "STATE_MISMATCH",
        "The browser's answer did not belong to this sign-in",
        "For safety, Keyway ignored an answer it did not ask for (possibly an old tab, or a \
         forged request).",
        &["Close other sign-in tabs and start again."],
        None,
    ),
    e(
        "BROWSER_FAILED",
        "The browser could not be opened",
        "Keyway could not start the system browser, or the page was not on Keyway's list of \
         Microsoft addresses.",
        &[
            "Choose \"Sign in with a code on another device\" instead.",
            "Or set a default web browser for this computer.",
        ],
        None,
    ),
    e(
        "LOOPBACK_PORT_IN_USE",
        "The port for the browser's answer is taken",
        "After you sign in, the browser hands the answer back to Keyway on a port of this \
         computer. The port set with KEYWAY_LOOPBACK_PORT is in use by another program.",
        &[
            "Close the program that uses that port, or choose another port in \
             KEYWAY_LOOPBACK_PORT (or unset it: Keyway then picks a free port itself).",
            "Then sign in again.",
        ],
        None,
    ),
];
