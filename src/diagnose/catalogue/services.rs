//! Power BI, Fabric and plain HTTP errors: what the APIs answer once a token exists.

use super::{e, Entry};
use crate::diagnose::pages::Page::*;

/// Power BI REST API errors, by the `code` in its body (or the `X-PowerBI-Error-Info` header).
pub static POWERBI: &[Entry] = &[
    e(
        "ServicePrincipalIsNotAllowedByTenantAdminSwitch",
        "Power BI does not allow this app yet",
        "Apps that sign in as themselves (service principals) may use Power BI only when a Power \
         BI administrator allows it in the tenant settings, for everyone or for a security group \
         the app is in.",
        &[
            "Ask a Power BI administrator to open Power BI tenant settings.",
            "Under \"Developer settings\", turn on \"Service principals can use Fabric APIs\" \
             (older name: \"Allow service principals to use Power BI APIs\").",
            "If it is limited to security groups, add this app's service principal to one of them.",
            "Changes can take up to 15 minutes; then choose \"Check again\".",
        ],
        Some(TenantSettings),
    ),
    e(
        "PowerBINotAuthorizedException",
        "Power BI refused this request",
        "The token was valid, but Power BI did not allow this call. For an app: it is not allowed \
         by the tenant setting, not in the allowed security group, or not a member of the \
         workspace. For a person: a permission (scope) is missing, or you have no access to the \
         workspace.",
        &[
            "Run Keyway's permission checks: they test each of these causes one by one.",
            "For an app: ask a Power BI administrator to allow service principals, and a \
             workspace admin to add the app to the workspace (Member or Admin).",
            "For a person: ask the workspace admin for access, and check the app's API \
             permissions.",
        ],
        Some(TenantSettings),
    ),
    e(
        "PowerBIEntityNotFound",
        "Power BI could not find that item",
        "The workspace, report or dataset ID is wrong, was deleted, or is not visible to whoever \
         signed in.",
        &[
            "Check the ID: open the item in Power BI and copy it from the address bar (after \
             /groups/ for a workspace).",
            "Check that the app or person has access to that workspace.",
        ],
        Some(Workspace),
    ),
    e(
        "TokenExpired",
        "The access token has expired",
        "Access tokens last about an hour. Power BI says so with HTTP 403, not 401.",
        &[
            "Get a new token (in Keyway: \"Check again\").",
            "Scripts should ask for a new token when Power BI answers 403 TokenExpired.",
        ],
        None,
    ),
    e(
        "LoadReportFailed",
        "The embedded report could not load",
        "The embed token is wrong or expired, or the report ID does not match it.",
        &[
            "Generate a new embed token for this report.",
            "Check the report and workspace IDs.",
        ],
        Some(Workspace),
    ),
    e(
        "ApiNotAccessibleForApplication",
        "This API can't be used by an app signing in as itself",
        "Some Power BI calls only work for a person (for example anything in \"My workspace\"). \
         An app must use a shared workspace instead.",
        &[
            "Use a shared workspace and its ID (calls under /groups/{id}/...).",
            "Make sure the app is a member of that workspace.",
        ],
        Some(Workspace),
    ),
];

/// Fabric REST API errors, by `errorCode`.
pub static FABRIC: &[Entry] = &[
    e(
        "InsufficientPrivileges",
        "Not enough rights for this Fabric call",
        "The caller is not a Fabric administrator, or (for an app) the tenant setting for admin \
         APIs does not include it.",
        &[
            "For a person: ask for the Fabric administrator role.",
            "For an app: ask a Power BI administrator to turn on \"Service principals can access \
             read-only admin APIs\" for a group the app is in.",
        ],
        Some(TenantSettings),
    ),
    e(
        "PrincipalTypeNotSupported",
        "Apps can't call this Fabric API",
        "This Fabric call accepts people only, not an app signing in as itself.",
        &["Use a person's sign-in (browser or device code) for this call."],
        None,
    ),
    e(
        "ItemNotFound",
        "The Fabric item was not found",
        "The item ID is wrong, the item was deleted, or the caller can't see it.",
        &["Check the item ID and the caller's access to its workspace."],
        Some(Workspace),
    ),
    e(
        "EntityNotFound",
        "The Fabric item was not found",
        "The ID is wrong, or the caller can't see it.",
        &["Check the ID and the caller's access."],
        Some(Workspace),
    ),
    e(
        "WorkspaceNotFound",
        "The workspace was not found",
        "The workspace ID is wrong, or the caller is not a member of it.",
        &[
            "Copy the workspace ID from its address in Power BI (after /groups/).",
            "Ask a workspace admin to add the app or person.",
        ],
        Some(Workspace),
    ),
    // Power BI and Fabric both say these two, about any call: the words fit every one.
    e(
        "InvalidRequest",
        "The request was not valid",
        "The service could not use the request as sent: a value, an ID or part of the body is \
         missing or in the wrong form. For an embed token, a report and dataset that do not \
         belong together, or a missing identity, are the usual reasons.",
        &[
            "Read what the service said: it usually names the value.",
            "Check the IDs and the body against the call's reference page, and try again.",
        ],
        None,
    ),
    e(
        "NotFound",
        "Not found",
        "What the call named (a workspace, an item, an address) does not exist, or this caller \
         can't see it.",
        &[
            "Check the IDs and the cloud.",
            "Check that the caller has access to the workspace.",
        ],
        Some(Workspace),
    ),
    e(
        "InvalidParameter",
        "A value in the request is not valid",
        "One of the values sent to Fabric has the wrong form.",
        &[
            "Check the IDs and values used.",
            "If it persists, create a support report.",
        ],
        None,
    ),
    e(
        "UnknownError",
        "Fabric had an internal problem",
        "The service failed without saying why. It is usually temporary.",
        &[
            "Wait a minute and try again.",
            "If it persists, create a support report with the request ID.",
        ],
        None,
    ),
];

/// By HTTP status, when nothing more specific is known.
pub static HTTP: &[Entry] = &[
    e(
        "HTTP_400",
        "The request was not accepted",
        "Something in the request had the wrong form: often an ID that is not a GUID, or a \
         missing value.",
        &[
            "Check the IDs and values you entered.",
            "If it persists, create a support report.",
        ],
        None,
    ),
    e(
        "HTTP_401",
        "Not signed in, or not allowed",
        "The token is missing, for another service or cloud, or it does not carry the permission \
         this call needs.",
        &[
            "Run Keyway's permission checks to find which one.",
            "Check that the cloud chosen matches your organisation.",
        ],
        None,
    ),
    e(
        "HTTP_403",
        "Access was refused",
        "The caller is known but has no right to this item: often no access to the workspace, or \
         an expired token.",
        &[
            "Ask the workspace admin for access.",
            "Get a new token and try again.",
        ],
        Some(Workspace),
    ),
    e(
        "HTTP_404",
        "Not found",
        "The address or the ID does not exist, or the caller can't see it.",
        &[
            "Check the IDs and the cloud.",
            "Check that the caller has access to the workspace.",
        ],
        None,
    ),
    e(
        "HTTP_408",
        "The service gave up waiting",
        "The request took too long to arrive or to be processed.",
        &["Try again.", "On a slow or busy network, try again later."],
        None,
    ),
    e(
        "HTTP_429",
        "Too many requests: wait, then try again",
        "The service limits how often it may be called and asked to slow down. Nothing is wrong \
         with the setup.",
        &[
            "Wait for the time the service asked (Retry-After), then try again.",
            "Scripts should wait and retry rather than call again at once.",
        ],
        None,
    ),
    e(
        "HTTP_500",
        "The service had an internal problem",
        "Microsoft's service failed. This is rarely caused by your setup.",
        &[
            "Wait a minute and try again.",
            "If it persists, create a support report with the request ID.",
        ],
        None,
    ),
    e(
        "HTTP_502",
        "A gateway on the way failed",
        "A proxy or gateway between you and Microsoft got a bad answer.",
        &[
            "Try again in a minute.",
            "If you are behind a company proxy, ask your IT team.",
        ],
        None,
    ),
    e(
        "HTTP_503",
        "The service is busy or down for a moment",
        "The service is temporarily unavailable or overloaded.",
        &["Wait a few minutes and try again."],
        None,
    ),
    e(
        "HTTP_504",
        "A gateway on the way timed out",
        "A proxy or gateway waited too long for Microsoft's answer.",
        &[
            "Try again.",
            "If you are behind a company proxy, ask your IT team.",
        ],
        None,
    ),
];

/// Microsoft Graph errors met while setting an app up, by the `code` in Graph's error body.
pub static GRAPH: &[Entry] = &[
    // 400 from `addPassword` (and certificate uploads) when an app management policy caps a
    // credential's lifetime: "Credential lifetime exceeds the max value allowed as per assigned
    // policy '…'." (github.com/Azure/azure-cli/issues/28522,
    // github.com/OfficeDev/microsoft-365-agents-toolkit/issues/10998).
    e(
        "CredentialInvalidLifetimeAsPerAppPolicy",
        "Your organisation does not allow a credential to last that long",
        "An app management policy in this organisation limits how long client secrets and \
         certificates may last, and the lifetime asked for is longer.",
        &[
            "Choose a shorter lifetime and run the setup again: it goes on from where it stopped.",
            "Or ask the administrator who manages app policies for an exception for this app.",
        ],
        Some(AppCredentials),
    ),
    // 403 from Graph when the signed-in account may not make the change: "Insufficient
    // privileges to complete the operation." (github.com/pulumi/pulumi-azuread/issues/246 on
    // creating an application, github.com/Azure/azure-cli/issues/27551 on listing them).
    e(
        "Authorization_RequestDenied",
        "The account signed in may not make this change",
        "Microsoft Graph refused: the account has no administrator role that allows it (or the \
         sign-in was not given the permission for it).",
        &[
            "Sign in as an administrator with the Cloud Application Administrator and Groups \
             Administrator roles (or Global Administrator).",
            "Or send the plan to an administrator: keyway setup --plan shows every change before \
             anything is made.",
        ],
        None,
    ),
];
