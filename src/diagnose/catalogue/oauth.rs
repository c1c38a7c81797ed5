//! Plain OAuth errors: the `error` value alone, with no AADSTS number, as a custom cloud, a
//! proxy or another OAuth server answers. Meanings from RFC 6749 §5.2 (token endpoint errors),
//! §4.1.2.1 (authorization errors), RFC 8628 §3.5 (device flow) and RFC 8707 §2 (resources).

use super::{e, Entry, SIGN_IN_AGAIN};
use crate::diagnose::pages::Page::*;

/// By `OAUTH_` and the `error` value in capitals.
pub static OAUTH: &[Entry] = &[
    e(
        "OAUTH_INVALID_CLIENT",
        "The sign-in service did not accept the app's credentials",
        "The app could not be identified or its secret or certificate was refused (RFC 6749: \
         invalid_client). Usually the secret is wrong or expired, or the application (client) ID \
         is not registered on this sign-in service.",
        &[
            "Check the application (client) ID.",
            "Create a new client secret (copy its Value, not its Secret ID) and try again.",
        ],
        Some(AppCredentials),
    ),
    e(
        "OAUTH_INVALID_GRANT",
        "The sign-in is no longer valid",
        "What Keyway showed the sign-in service (a saved sign-in, a code or a password) is \
         invalid, expired or revoked, or was issued to another app (RFC 6749: invalid_grant).",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "OAUTH_UNAUTHORIZED_CLIENT",
        "This app may not sign in this way",
        "The sign-in service does not allow this app to use this kind of sign-in (RFC 6749: \
         unauthorized_client), for example a device code or a password for an app that is not \
         set up as a public client.",
        &["Choose another sign-in method in Keyway, or ask the app's owner to allow this one."],
        Some(AppAuthentication),
    ),
    e(
        "OAUTH_INVALID_SCOPE",
        "The permissions asked for were refused",
        "The permissions Keyway asked for are unknown, malformed or more than the sign-in \
         service grants this app (RFC 6749: invalid_scope).",
        &[
            "Ask only for the permissions the app has (leave the list empty to get those it was \
             given).",
            "Ask the app's owner to add the missing permissions.",
        ],
        Some(AppPermissions),
    ),
    e(
        "OAUTH_INVALID_TARGET",
        "The service asked for is not known here",
        "The sign-in service does not know the API Keyway asked a token for (RFC 8707: \
         invalid_target). The cloud's Power BI address may not match this sign-in service.",
        &["Check the cloud chosen in Keyway, or the custom cloud's Power BI address."],
        None,
    ),
    e(
        "OAUTH_INVALID_REQUEST",
        "The sign-in service could not use Keyway's request",
        "A value was missing, repeated or malformed (RFC 6749: invalid_request). This often means \
         the address is not an OAuth sign-in service, or a proxy changed the request.",
        &[
            "Check the sign-in address of the cloud chosen in Keyway.",
            "If you are on a company network, ask your IT team whether a proxy changes sign-ins.",
        ],
        None,
    ),
    e(
        "OAUTH_UNSUPPORTED_GRANT_TYPE",
        "The sign-in service does not offer this kind of sign-in",
        "It does not support the sign-in method chosen (RFC 6749: unsupported_grant_type).",
        &["Choose another sign-in method in Keyway."],
        None,
    ),
    e(
        "OAUTH_ACCESS_DENIED",
        "The sign-in was declined",
        "The person or the service said no to this sign-in (RFC 6749 and RFC 8628: \
         access_denied).",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "OAUTH_EXPIRED_TOKEN",
        "The code expired before it was used",
        "The device code was not entered in time (RFC 8628: expired_token).",
        &["Start the sign-in again and type the new code within its time."],
        None,
    ),
    e(
        "OAUTH_CODE_EXPIRED",
        "The code expired before it was used",
        "The device code was not entered in time (code_expired: what older Microsoft libraries \
         say for RFC 8628's expired_token).",
        &["Start the sign-in again and type the new code within its time."],
        None,
    ),
    e(
        "OAUTH_AUTHORIZATION_PENDING",
        "The code has not been entered yet",
        "The sign-in is waiting for someone to enter the device code and finish signing in (RFC \
         8628: authorization_pending). A tool that stops here gave up too soon.",
        &[
            "Open the address shown, enter the code and finish signing in.",
            "Keep the tool waiting until you have; start again if the code expired.",
        ],
        None,
    ),
    e(
        "OAUTH_INVALID_RESOURCE",
        "The service asked for is not known here",
        "The sign-in asked for a service (resource) that this organisation does not have or has \
         not set up, or its address has a typo (invalid_resource). Power BI's is \
         https://analysis.windows.net/powerbi/api.",
        &[
            "Check the cloud: Power BI in the US Government and China clouds has its own address.",
            "Check that the scope or resource names Power BI exactly, with no typo.",
            "If the organisation has never used Power BI, an administrator signs in to Power BI \
             once, which adds it.",
        ],
        None,
    ),
    e(
        "OAUTH_INTERACTION_REQUIRED",
        "A person must finish signing in",
        "The sign-in needs a step only a person can do in a browser: multi-factor sign-in, \
         consent, or accepting terms (interaction_required). A silent or unattended sign-in \
         can't do it.",
        &[
            "Sign in with the browser or a device code, and complete what Microsoft asks.",
            "For something that runs unattended, use an app that signs in as itself (service \
             principal) instead of a person's account.",
        ],
        None,
    ),
    e(
        "OAUTH_USER_CANCELED",
        "The sign-in window was closed",
        "The sign-in was stopped before it finished: the window was closed, or cancel was \
         chosen (user_canceled, as Microsoft's sign-in libraries say). Nothing is wrong with \
         the setup.",
        &["Start the sign-in again and finish it in the window that opens."],
        None,
    ),
    e(
        "OAUTH_SERVER_ERROR",
        "The sign-in service had a problem",
        "It could not complete the request (RFC 6749: server_error). This is on its side.",
        &["Wait a minute and try again."],
        None,
    ),
    e(
        "OAUTH_TEMPORARILY_UNAVAILABLE",
        "The sign-in service is busy",
        "It is overloaded or down for maintenance (RFC 6749: temporarily_unavailable).",
        &["Wait a few minutes and try again."],
        None,
    ),
];
