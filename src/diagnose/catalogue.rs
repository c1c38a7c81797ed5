//! Keyway's own explanations, one per error a person can meet on the way to Power BI.
//!
//! Written for someone who has never heard of OAuth: what happened, why, and what to do, in that
//! order. Facts come from `shared/reference/entra-powerbi-facts.json`; the words are ours.

use super::pages::Page;

/// One explanation.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// `AADSTS7000215`, `PowerBINotAuthorizedException`, `HTTP_429`, `TRANSPORT_TIMEOUT`, …
    pub code: &'static str,
    /// What happened, in a few words.
    pub title: &'static str,
    /// Why it usually happens.
    pub cause: &'static str,
    /// What to do, step by step.
    pub fix: &'static [&'static str],
    /// Where the fix is made.
    pub page: Option<Page>,
}

const fn e(
    code: &'static str,
    title: &'static str,
    cause: &'static str,
    fix: &'static [&'static str],
    page: Option<Page>,
) -> Entry {
    Entry {
        code,
        title,
        cause,
        fix,
        page,
    }
}

use Page::*;

const SIGN_IN_AGAIN: &[&str] = &[
    "Sign in again in Keyway.",
    "If it keeps happening, create a support report and send it to your IT team.",
];

/// Microsoft Entra ID sign-in errors, by AADSTS number.
pub static ENTRA: &[Entry] = &[
    e(
        "AADSTS7000215",
        "The client secret is not right",
        "What was typed as the client secret is not the secret's value. Often the Secret ID was \
         copied instead: it looks like a GUID (8-4-4-4-12 characters), while a value looks like \
         random text with a ~ in it.",
        &[
            "Open Certificates & secrets for this app.",
            "If you still have the secret's Value from when it was created, paste that. Azure \
             shows it only once.",
            "Otherwise choose \"New client secret\", pick an expiry, and copy the Value column \
             straight away.",
            "Paste the new value into Keyway and try again.",
        ],
        Some(AppCredentials),
    ),
    e(
        "AADSTS7000222",
        "The client secret has expired",
        "Every client secret has an end date. This one has passed it, so Microsoft no longer \
         accepts it.",
        &[
            "Open Certificates & secrets for this app.",
            "Choose \"New client secret\" and pick an expiry (Keyway will remind you before it \
             ends).",
            "Copy the Value straight away and paste it into Keyway.",
            "Delete the expired secret once everything uses the new one.",
        ],
        Some(AppCredentials),
    ),
    e(
        "AADSTS700016",
        "The app was not found in this organisation",
        "The application (client) ID is not registered in the tenant that was entered, or it \
         belongs to another cloud.",
        &[
            "Open the app's overview and copy \"Application (client) ID\" again.",
            "Copy \"Directory (tenant) ID\" from the same page, so both come from the same \
             organisation.",
            "Check the cloud: a US Government or China app is not found in the worldwide cloud.",
            "If the app belongs to another organisation, an administrator here must approve it \
             first.",
        ],
        Some(AppOverview),
    ),
    e(
        "AADSTS90002",
        "The organisation (tenant) was not found",
        "No organisation with that tenant ID or domain exists in the chosen cloud. A typo, or a \
         tenant in another cloud, is the usual reason.",
        &[
            "Open your organisation's overview and copy \"Tenant ID\".",
            "Paste it into Keyway's tenant field.",
            "If your organisation uses a US Government or China cloud, choose that cloud.",
        ],
        Some(TenantOverview),
    ),
    e(
        "AADSTS900023",
        "The tenant field is not a tenant ID or domain",
        "The tenant field holds something that is neither a GUID nor a domain name: extra words, \
         a web address, spaces, or a placeholder.",
        &[
            "Clear the tenant field.",
            "Paste only the tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com.",
        ],
        Some(TenantOverview),
    ),
    e(
        "AADSTS7000218",
        "This sign-in needs the app to allow public client flows",
        "The app is set up as one that always proves itself with a secret or certificate, but \
         this way of signing in (device code or user name and password) sends none.",
        &[
            "Open the app's Authentication page.",
            "Under \"Advanced settings\", set \"Allow public client flows\" to Yes and save.",
            "Try again in Keyway.",
        ],
        Some(AppAuthentication),
    ),
    e(
        "AADSTS700025",
        "A secret was sent for an app that must not have one",
        "The app is marked as a public client (for people signing in), so Microsoft refuses a \
         client secret or certificate from it.",
        &[
            "To sign in as a person, choose the browser or device code method: no secret is \
             needed.",
            "To run unattended as the app, open its Authentication page and set \"Allow public \
             client flows\" to No.",
        ],
        Some(AppAuthentication),
    ),
    e(
        "AADSTS50126",
        "The user name or password is wrong",
        "Microsoft did not accept this user name and password. Accounts that sign in through \
         another company system (federated), or that have no password, fail here too.",
        &[
            "Check the user name (usually your work email address) and type the password again.",
            "If you can sign in at office.com but not here, choose \"Sign in with my browser\" \
             instead.",
        ],
        Some(MyAccount),
    ),
    e(
        "AADSTS50076",
        "This account needs multi-factor sign-in",
        "Your organisation requires a second step (such as an app notification) for this sign-in. \
         A user name and password alone can't do that second step.",
        &[
            "Go back and choose \"Sign in with my browser\" or \"Sign in with a code on another \
             device\".",
            "Those methods show Microsoft's own sign-in page, which asks for the second step.",
        ],
        None,
    ),
    e(
        "AADSTS50079",
        "Multi-factor sign-in is not set up yet",
        "Your organisation requires multi-factor sign-in, and this account has not registered a \
         second method yet.",
        &[
            "Open your security info and add a method (for example the Microsoft Authenticator \
             app).",
            "Then sign in with your browser or a device code in Keyway.",
        ],
        Some(SecurityInfo),
    ),
    e(
        "AADSTS50158",
        "An extra security check is needed",
        "Your organisation uses an additional security check that only works on Microsoft's \
         sign-in page.",
        &[
            "Go back and choose \"Sign in with my browser\".",
            "Complete the extra check on the page that opens.",
        ],
        None,
    ),
    e(
        "AADSTS53003",
        "Blocked by your organisation's access rules",
        "A Conditional Access rule set by your IT team refused this sign-in (for example because \
         of the device, the place, or the sign-in method).",
        &[
            "Create a support report in Keyway: it includes the correlation ID.",
            "Send it to your IT team and ask them to look up that sign-in in the sign-in logs.",
            "They can allow this app, or tell you which device or method to use.",
        ],
        Some(SignInLogs),
    ),
    e(
        "AADSTS530035",
        "Blocked by your organisation's security defaults",
        "Security defaults are on in your organisation. They block older sign-in methods such as \
         user name and password.",
        &[
            "Go back and choose \"Sign in with my browser\" or \"Sign in with a code on another \
             device\".",
        ],
        None,
    ),
    e(
        "AADSTS65001",
        "Permission for this app has not been granted",
        "Nobody has agreed yet that this app may use Power BI on a person's behalf (this \
         agreement is called consent).",
        &[
            "Ask an administrator to open the app's API permissions page.",
            "They choose \"Grant admin consent\" for your organisation.",
            "Or sign in once with your browser and accept the permissions yourself, if your \
             organisation allows that.",
            "An app that signs in as itself must not be given Power BI permissions here at all: \
             use the tenant setting for service principals instead.",
        ],
        Some(AppPermissions),
    ),
    e(
        "AADSTS500011",
        "Power BI was not found in this organisation",
        "The organisation does not know the Power BI service at this address. Either the wrong \
         cloud is chosen, or nobody in the organisation has ever used Power BI.",
        &[
            "Check the cloud: US Government and China organisations use their own Power BI \
             address.",
            "If the cloud is right, ask someone in the organisation to sign in to Power BI once; \
             that switches it on.",
        ],
        None,
    ),
    e(
        "AADSTS50001",
        "Power BI is not available in this organisation",
        "The Power BI service is unknown or switched off in this organisation, or the cloud is \
         wrong.",
        &[
            "Check the cloud chosen in Keyway.",
            "Ask someone in the organisation to sign in to Power BI once, then try again.",
        ],
        None,
    ),
    e(
        "AADSTS70011",
        "The permissions asked for are not valid",
        "The request named permissions that do not exist, or mixed two services. An app that \
         signs in as itself may only ask for \"/.default\".",
        &[
            "For an app with a secret or certificate, leave the permission list empty: Keyway \
             asks for \".default\".",
            "For a person, pick permissions from Keyway's list only.",
        ],
        Some(AppPermissions),
    ),
    e(
        "AADSTS700022",
        "Permissions for two services were asked for at once",
        "One sign-in can only ask for permissions on one service, for example Power BI or \
         Microsoft Graph, not both.",
        &[
            "Ask for the Power BI permissions alone; Keyway signs in separately for Graph when it \
             needs to.",
        ],
        None,
    ),
    e(
        "AADSTS901002",
        "The newer sign-in service was sent an older request",
        "The request used \"resource\", which only the older (v1) sign-in service understands.",
        &["Switch the sign-in service version in Keyway's settings, or leave it on the default."],
        None,
    ),
    e(
        "AADSTS90014",
        "A required part of the sign-in request is missing",
        "The sign-in request left out a field Microsoft needs. This is usually a setup or program \
         problem, not something you typed.",
        &[
            "Check that every field in Keyway is filled in.",
            "If it persists, create a support report for your IT team.",
        ],
        None,
    ),
    e(
        "AADSTS900144",
        "A required part of the sign-in request is missing",
        "The sign-in request left out a parameter (such as the permission scope or the client ID).",
        &[
            "Check that every field in Keyway is filled in.",
            "If it persists, create a support report for your IT team.",
        ],
        None,
    ),
    e(
        "AADSTS50059",
        "The organisation could not be worked out",
        "Neither the tenant field nor the account tells Microsoft which organisation to use. An \
         app that signs in as itself always needs the tenant ID.",
        &[
            "Copy the tenant ID from your organisation's overview.",
            "Paste it into Keyway's tenant field.",
        ],
        Some(TenantOverview),
    ),
    e(
        "AADSTS9001023",
        "This sign-in needs your organisation's tenant ID",
        "This way of signing in does not work with \"common\"; Microsoft needs to know your \
         organisation.",
        &[
            "Enter your tenant ID or domain (for example contoso.onmicrosoft.com) instead of \
             \"common\".",
        ],
        Some(TenantOverview),
    ),
    e(
        "AADSTS50194",
        "This app needs your organisation's tenant ID",
        "The app is registered for one organisation only, so \"common\" can't be used to sign in.",
        &["Enter the tenant ID shown on the app's overview page."],
        Some(AppOverview),
    ),
    e(
        "AADSTS50034",
        "This account does not exist in the organisation",
        "The user name is not known in this organisation. It may be mistyped, or belong to \
         another organisation.",
        &[
            "Check the spelling of the user name.",
            "Check that the tenant is your organisation's.",
        ],
        None,
    ),
    e(
        "AADSTS50020",
        "This account belongs to another organisation",
        "The account is from a different organisation, or is a personal Microsoft account, and \
         has not been invited into this one.",
        &[
            "Sign in with your work account from this organisation.",
            "Or ask an administrator to invite your account as a guest.",
        ],
        None,
    ),
    e(
        "AADSTS50053",
        "The account is temporarily locked",
        "There were too many wrong passwords, or the sign-in came from a place Microsoft \
         considers risky.",
        &[
            "Wait a few minutes before trying again, with the correct password.",
            "If it stays locked, ask your IT team: the sign-in logs show the reason.",
        ],
        Some(SignInLogs),
    ),
    e(
        "AADSTS50055",
        "The password has expired",
        "Your organisation requires a new password now and then, and this one is past its date.",
        &[
            "Open your account page and change the password.",
            "Then try again with the new password.",
        ],
        Some(MyAccount),
    ),
    e(
        "AADSTS50057",
        "This account is disabled",
        "An administrator has switched this account off.",
        &["Ask your IT team to enable the account, or use another account."],
        None,
    ),
    e(
        "AADSTS50173",
        "The saved sign-in is no longer valid",
        "The sign-in Keyway kept was cancelled, usually because the password was changed or reset.",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "AADSTS700082",
        "The saved sign-in expired after a long pause",
        "A saved sign-in ends after about 90 days without use.",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "AADSTS70008",
        "The saved sign-in has expired",
        "The saved sign-in or the one-time sign-in code is too old, or was cancelled.",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "AADSTS70043",
        "Your organisation asks you to sign in again",
        "A rule set by your IT team requires a fresh sign-in after some time.",
        SIGN_IN_AGAIN,
        None,
    ),
    e(
        "AADSTS54005",
        "The sign-in code was already used",
        "The one-time code from the browser can be used once only.",
        &["Start the sign-in again."],
        None,
    ),
    e(
        "AADSTS501481",
        "The sign-in could not be verified",
        "The browser's answer did not match the sign-in Keyway started (the PKCE check failed).",
        &[
            "Start the sign-in again.",
            "If it keeps happening, create a support report.",
        ],
        None,
    ),
    e(
        "AADSTS50011",
        "The app's return address is not registered",
        "After signing in, the browser must return to Keyway on this computer, and that address \
         is not in the app's list.",
        &[
            "Open the app's Authentication page.",
            "Under \"Mobile and desktop applications\", add the redirect URI http://localhost \
             (the port does not matter).",
            "Save, then try the browser sign-in again.",
        ],
        Some(AppAuthentication),
    ),
    e(
        "AADSTS700054",
        "The app does not allow this kind of answer",
        "The sign-in asked for an ID token that the app registration does not allow.",
        &[
            "Start the sign-in again from Keyway, which asks only for a code.",
            "If it persists, create a support report.",
        ],
        Some(AppAuthentication),
    ),
    e(
        "AADSTS9002327",
        "The redirect is registered as a single-page app",
        "The return address is registered under \"Single-page application\", which only works for \
         websites, not a desktop program.",
        &[
            "Open the app's Authentication page.",
            "Remove the address from \"Single-page application\".",
            "Add http://localhost under \"Mobile and desktop applications\" and save.",
        ],
        Some(AppAuthentication),
    ),
    e(
        "AADSTS9002326",
        "The request came from a web page instead of the program",
        "The sign-in code was redeemed from a web page, which Microsoft allows only for \
         single-page apps.",
        &[
            "Start the sign-in again from Keyway.",
            "If it persists, create a support report.",
        ],
        None,
    ),
    e(
        "AADSTS7000112",
        "The app is disabled",
        "An administrator (or Microsoft) switched off this app in your organisation, so nobody \
         can sign in with it.",
        &[
            "Ask an administrator to open the app's enterprise application properties.",
            "They set \"Enabled for users to sign-in?\" to Yes and save.",
        ],
        Some(EnterpriseApp),
    ),
    e(
        "AADSTS700024",
        "This computer's clock looks wrong",
        "The certificate sign-in is stamped with the time, and Microsoft found it outside the \
         allowed window.",
        &[
            "Set this computer's date, time and time zone to update automatically.",
            "Try again.",
        ],
        None,
    ),
    e(
        "AADSTS700027",
        "The certificate is not the one registered for this app",
        "The signature made with this certificate did not match any certificate uploaded to the \
         app.",
        &[
            "Open Certificates & secrets for this app.",
            "Under \"Certificates\", upload this certificate's public part (.cer or .pem, never \
             the private key).",
            "Check that the thumbprint shown there matches the one Keyway shows.",
        ],
        Some(AppCredentials),
    ),
    e(
        "AADSTS700021",
        "The certificate sign-in named a different app",
        "The signed statement Keyway sent names a different application ID from the one entered.",
        &[
            "Check the application (client) ID in Keyway.",
            "If it is right, create a support report.",
        ],
        Some(AppOverview),
    ),
    e(
        "AADSTS700023",
        "The certificate sign-in was addressed to another organisation",
        "The signed statement was made for a different tenant or cloud than the one it was sent \
         to.",
        &[
            "Check the tenant and the cloud in Keyway.",
            "If both are right, create a support report.",
        ],
        None,
    ),
    e(
        "AADSTS90094",
        "An administrator must approve this app",
        "Your organisation does not let people approve apps themselves. An administrator has to \
         agree on everyone's behalf.",
        &[
            "Send the app's API permissions page to an administrator.",
            "They choose \"Grant admin consent\"; then sign in again here.",
        ],
        Some(AppPermissions),
    ),
    e(
        "AADSTS65004",
        "The permission request was declined",
        "\"Cancel\" was chosen on Microsoft's permission page, so the app got no access.",
        &["Sign in again and choose \"Accept\" when Microsoft asks for permission."],
        None,
    ),
    e(
        "AADSTS50105",
        "You are not assigned to this app",
        "The app only lets in people an administrator has assigned to it.",
        &[
            "Ask an administrator to open the app's enterprise application.",
            "Under \"Users and groups\", they add you (or a group you are in).",
        ],
        Some(EnterpriseApp),
    ),
    e(
        "AADSTS90038",
        "The organisation is in another Microsoft cloud",
        "Your organisation lives in a different cloud (for example US Government), so this cloud \
         can't sign it in.",
        &["Go back to the first step and choose your organisation's cloud."],
        None,
    ),
    e(
        "AADSTS70016",
        "Waiting for the sign-in to be finished",
        "The code has not been entered on the other device yet.",
        &[
            "Open the sign-in page on any device, enter the code, and sign in.",
            "Keyway carries on by itself.",
        ],
        None,
    ),
    e(
        "AADSTS70019",
        "The sign-in code expired",
        "Codes last about 15 minutes, and this one ran out before it was used.",
        &["Start the sign-in again to get a fresh code."],
        None,
    ),
    e(
        "AADSTS50196",
        "Too many identical sign-ins in a row",
        "Microsoft saw the same sign-in repeated many times quickly and stopped it.",
        &[
            "Wait a minute, then try once.",
            "Scripts should keep and reuse a token until it expires.",
        ],
        None,
    ),
    e(
        "AADSTS90055",
        "Too many sign-ins from your organisation right now",
        "Microsoft is limiting sign-ins for your organisation for a short while.",
        &["Wait a few minutes and try again."],
        None,
    ),
    e(
        "AADSTS70002",
        "The app's credentials were not accepted",
        "The secret or certificate sent for the app was refused. The message's second code \
         usually says exactly why.",
        &[
            "Check the client secret or certificate for this app.",
            "If unsure, create a new client secret and paste its Value.",
        ],
        Some(AppCredentials),
    ),
    // Codes the facts file mentions alongside others.
    e(
        "AADSTS50012",
        "The app's credentials were not accepted",
        "The secret or certificate that proves the app's identity was refused.",
        &[
            "Open Certificates & secrets for this app and check the secret or certificate.",
            "If unsure, create a new client secret and paste its Value.",
        ],
        Some(AppCredentials),
    ),
    e(
        "AADSTS700011",
        "The app is not registered in this organisation",
        "The application (client) ID was not found.",
        &["Copy the application (client) ID again from the app's overview."],
        Some(AppOverview),
    ),
    e(
        "AADSTS70000",
        "The sign-in was declined",
        "The person chose not to approve the sign-in, or the grant was not valid.",
        &["Start the sign-in again and approve it."],
        None,
    ),
];

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
            "Trust it in Keyway's Settings, or name it with the KEYWAY_CA_CERT environment \
             variable (with the keyway command: --ca-cert FILE).",
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
];

/// Every entry, for listing and tests.
pub fn all() -> impl Iterator<Item = &'static Entry> {
    ENTRA
        .iter()
        .chain(POWERBI)
        .chain(FABRIC)
        .chain(HTTP)
        .chain(LOCAL)
}

/// The entry for an exact code.
pub fn find(code: &str) -> Option<&'static Entry> {
    all().find(|e| e.code.eq_ignore_ascii_case(code))
}
