"""The official MSAL for Python signs in against fakecloud over HTTPS, as it would against Entra.

Each test also reads fakecloud's request log, to show MSAL made the requests it makes against
the real service (discovery first, then the token request with the fields Entra expects).
"""

import base64
import datetime
import hashlib
import json

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import CONTOSO

PBI = "https://analysis.windows.net/powerbi/api"
EMBED_APP = "11111111-1111-4111-8111-111111111111"
EMBED_SECRET = "Emb8Q~current.secret-value_0123456789abcdef"
EMBED_SECRET_ID = "5ec1d000-0000-4000-8000-000000000001"
EXPIRED_SECRET = "Emb8Q~expired.secret-value_0123456789abcdef"
DESKTOP_APP = "33333333-3333-4333-8333-333333333333"


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def confidential(cloud, credential, client_id=EMBED_APP):
    return msal.ConfidentialClientApplication(
        client_id, client_credential=credential, authority=f"{cloud.https}/{CONTOSO}",
        instance_discovery=False, verify=cloud.ca, token_cache=msal.TokenCache())


def token_requests(cloud):
    return [r for r in cloud.requests() if r["path"].endswith("/token")]


def test_client_secret(fakecloud):
    fakecloud.clear()
    result = confidential(fakecloud, EMBED_SECRET).acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    c = claims(result["access_token"])
    assert c["aud"] == PBI
    assert c["appid"] == EMBED_APP
    assert c["tid"] == "7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e"
    assert c["idtyp"] == "app" and c["ver"] == "1.0" and "roles" not in c
    log = fakecloud.requests()
    assert [(r["method"], r["path"]) for r in log] == [
        ("GET", f"/{CONTOSO}/v2.0/.well-known/openid-configuration"),
        ("POST", f"/{CONTOSO}/oauth2/v2.0/token"),
    ]
    assert log[1]["grant_type"] == "client_credentials"
    assert {"client_id", "client_secret", "scope"} <= set(log[1]["form_keys"])


@pytest.mark.parametrize("secret, code", [
    (EMBED_SECRET_ID, 7000215),   # the Secret ID pasted instead of the value
    (EXPIRED_SECRET, 7000222),
])
def test_client_secret_errors_have_entras_shape(fakecloud, secret, code):
    result = confidential(fakecloud, secret).acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" not in result
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [code]
    assert result["error_description"].startswith(f"AADSTS{code}: ")
    assert "Trace ID: " in result["error_description"]
    assert result["correlation_id"] and result["trace_id"]


def test_unknown_tenant_is_refused_at_discovery(fakecloud):
    fakecloud.clear()
    with pytest.raises(ValueError, match="tenant name or GUID"):
        msal.ConfidentialClientApplication(
            EMBED_APP, client_credential=EMBED_SECRET,
            authority=f"{fakecloud.https}/nobody.onmicrosoft.com", instance_discovery=False,
            verify=fakecloud.ca)
    [discovery] = fakecloud.requests()
    assert discovery["path"] == "/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    assert discovery["status"] == 400


def make_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keyway-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    der = cert.public_bytes(serialization.Encoding.DER)
    return key_pem, cert_pem, hashlib.sha1(der).hexdigest(), hashlib.sha256(der).hexdigest()


@pytest.fixture(scope="module")
def certificate(fakecloud):
    key_pem, cert_pem, sha1, sha256 = make_certificate()
    fakecloud.control("POST", f"tenants/{CONTOSO}/apps/{EMBED_APP}/certificates", {"pem": cert_pem})
    return {"key": key_pem, "cert": cert_pem, "sha1": sha1, "sha256": sha256}


def test_certificate_rs256_with_sha1_thumbprint(fakecloud, certificate):
    fakecloud.clear()
    app = confidential(fakecloud, {"private_key": certificate["key"], "thumbprint": certificate["sha1"]})
    result = app.acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"
    token = token_requests(fakecloud)[-1]
    assert {"client_assertion", "client_assertion_type"} <= set(token["form_keys"])
    assert "client_secret" not in token["form_keys"]


def test_certificate_ps256_with_sha256_thumbprint(fakecloud, certificate):
    # Given the certificate itself, MSAL signs PS256 with an x5t#S256 header, as Entra now asks.
    app = confidential(fakecloud, {"private_key": certificate["key"],
                                   "public_certificate": certificate["cert"]})
    result = app.acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"


def test_certificate_not_registered_is_refused(fakecloud):
    key_pem, _, sha1, _ = make_certificate()
    result = confidential(fakecloud, {"private_key": key_pem, "thumbprint": sha1}) \
        .acquire_token_for_client([f"{PBI}/.default"])
    assert result.get("error_codes") == [700027], result


def public(cloud, client_id=DESKTOP_APP):
    return msal.PublicClientApplication(
        client_id, authority=f"{cloud.https}/{CONTOSO}", instance_discovery=False,
        verify=cloud.ca, token_cache=msal.TokenCache())


def test_password_sign_in(fakecloud):
    fakecloud.clear()
    result = public(fakecloud).acquire_token_by_username_password(
        "ada@contoso.com", "Correct-Horse-42", scopes=[f"{PBI}/Workspace.Read.All"])
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert c["upn"] == "ada@contoso.com" and c["scp"] == "Workspace.Read.All"
    assert result["id_token_claims"]["preferred_username"] == "ada@contoso.com"
    assert "refresh_token" in result
    paths = [r["path"] for r in fakecloud.requests()]
    realm = paths.index("/common/userrealm/ada@contoso.com")
    assert paths.index(f"/{CONTOSO}/oauth2/v2.0/token") > realm, "the realm is asked first"
    token = token_requests(fakecloud)[-1]
    assert token["grant_type"] == "password"
    assert {"username", "password", "scope", "client_info"} <= set(token["form_keys"])


@pytest.mark.parametrize("user, code", [
    ("grace@contoso.com", 50076),    # MFA required
    ("locked@contoso.com", 50053),
    ("expired@contoso.com", 50055),
    ("nobody@contoso.com", 50034),
])
def test_password_sign_in_refusals(fakecloud, user, code):
    result = public(fakecloud).acquire_token_by_username_password(
        user, "Correct-Horse-42", scopes=[f"{PBI}/Workspace.Read.All"])
    assert result.get("error_codes") == [code], result


def test_wrong_password(fakecloud):
    result = public(fakecloud).acquire_token_by_username_password(
        "ada@contoso.com", "wrong", scopes=[f"{PBI}/Workspace.Read.All"])
    assert result["error"] == "invalid_grant" and result["error_codes"] == [50126]


PBI_SCOPES = [f"{PBI}/Workspace.Read.All", f"{PBI}/Report.Read.All"]


def test_device_code_with_the_person_approving(fakecloud):
    import threading

    fakecloud.control("POST", "device/settings", {"interval": 1})
    app = public(fakecloud)
    flow = app.initiate_device_flow(scopes=PBI_SCOPES)
    assert "user_code" in flow, flow
    assert flow["verification_uri"].endswith("/devicelogin")
    assert flow["interval"] == 1 and flow["expires_in"] == 900

    def approve():
        import time
        time.sleep(1.5)  # let MSAL meet `authorization_pending` first
        fakecloud.control("POST", "device/approve", {"user_code": flow["user_code"],
                                                     "upn": "ada@contoso.com"})
    fakecloud.clear()
    threading.Thread(target=approve).start()
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert c["upn"] == "ada@contoso.com"
    assert set(c["scp"].split()) == {"Workspace.Read.All", "Report.Read.All"}
    polls = token_requests(fakecloud)
    assert polls[0]["status"] == 400, "the first poll was still pending"
    assert polls[-1]["status"] == 200
    assert polls[-1]["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code"
    assert {"device_code", "code"} & set(polls[-1]["form_keys"])


def test_device_code_declined(fakecloud):
    fakecloud.control("POST", "device/settings", {"interval": 1})
    app = public(fakecloud)
    flow = app.initiate_device_flow(scopes=PBI_SCOPES)
    fakecloud.control("POST", "device/decline", {"user_code": flow["user_code"]})
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "authorization_declined", result


def browser_sign_in(fakecloud, auth_uri, user="ada@contoso.com", password="Correct-Horse-42"):
    """Does what the person does in the browser: submit the sign-in form (and consent)."""
    import re
    import ssl
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=fakecloud.ca)),
        NoRedirect)
    page = opener.open(auth_uri, timeout=10).read().decode()
    request_id = re.search(r'name="request" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"request": request_id, "login": user, "passwd": password})
    try:
        res = opener.open(f"{fakecloud.https}/_signin/login", body.encode(), timeout=10)
        page = res.read().decode()
    except urllib.error.HTTPError as redirect:
        return redirect.headers["Location"]
    # A consent page: accept it.
    fields = dict(re.findall(r'name="(request|upn|tenant)" value="([^"]+)"', page))
    fields["accept"] = "yes"
    try:
        opener.open(f"{fakecloud.https}/_signin/consent", urllib.parse.urlencode(fields).encode(),
                    timeout=10)
    except urllib.error.HTTPError as redirect:
        return redirect.headers["Location"]
    raise AssertionError("no redirect back to the app")


def test_authorization_code_with_pkce(fakecloud):
    import urllib.parse

    app = public(fakecloud)
    flow = app.initiate_auth_code_flow(scopes=PBI_SCOPES, redirect_uri="http://localhost:53100")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(flow["auth_uri"]).query))
    assert query["code_challenge_method"] == "S256" and query["state"]
    fakecloud.clear()
    location = browser_sign_in(fakecloud, flow["auth_uri"])
    assert location.startswith("http://localhost:53100?")
    response = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
    assert response["state"] == query["state"]
    result = app.acquire_token_by_auth_code_flow(flow, response)
    assert "access_token" in result, result
    assert claims(result["access_token"])["upn"] == "ada@contoso.com"
    # MSAL sends a hash of its nonce and checks the ID token carries it back.
    assert result["id_token_claims"]["nonce"] == query["nonce"]
    token = token_requests(fakecloud)[-1]
    assert token["grant_type"] == "authorization_code"
    assert {"code", "code_verifier", "redirect_uri"} <= set(token["form_keys"])


def test_authorization_code_with_a_forged_verifier_is_refused(fakecloud):
    import urllib.parse

    app = public(fakecloud)
    flow = app.initiate_auth_code_flow(scopes=PBI_SCOPES, redirect_uri="http://localhost:53100")
    location = browser_sign_in(fakecloud, flow["auth_uri"])
    response = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
    flow["code_verifier"] = "x" * 43
    result = app.acquire_token_by_auth_code_flow(flow, response)
    assert result.get("error") == "invalid_grant", result


def test_consent_page_then_silent_refresh_with_rotation(fakecloud):
    import urllib.parse

    app = public(fakecloud)
    # Dataset.Read.All was never consented: the person is asked, and accepts.
    scopes = [f"{PBI}/Dataset.Read.All"]
    flow = app.initiate_auth_code_flow(scopes=scopes, redirect_uri="http://localhost:53100")
    location = browser_sign_in(fakecloud, flow["auth_uri"])
    result = app.acquire_token_by_auth_code_flow(
        flow, dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query)))
    assert "access_token" in result, result
    first_rt = result["refresh_token"]
    [account] = app.get_accounts()
    fakecloud.clear()
    refreshed = app.acquire_token_silent_with_error(scopes, account, force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed
    assert refreshed["access_token"] != result["access_token"]
    assert token_requests(fakecloud)[-1]["grant_type"] == "refresh_token"
    # The used refresh token no longer works.
    again = app.acquire_token_by_refresh_token(first_rt, scopes)
    assert again.get("error") == "invalid_grant", again


def test_declining_consent_sends_access_denied(fakecloud):
    import re
    import ssl
    import urllib.parse
    import urllib.request

    app = public(fakecloud)
    flow = app.initiate_auth_code_flow(scopes=[f"{PBI}/Tenant.Read.All"],
                                       redirect_uri="http://localhost:53100")
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(
        context=ssl.create_default_context(cafile=fakecloud.ca)))
    page = opener.open(flow["auth_uri"], timeout=10).read().decode()
    request_id = re.search(r'name="request" value="([^"]+)"', page).group(1)
    page = opener.open(f"{fakecloud.https}/_signin/login", urllib.parse.urlencode(
        {"request": request_id, "login": "ada@contoso.com", "passwd": "Correct-Horse-42"}
    ).encode(), timeout=10).read().decode()
    assert "Tenant.Read.All" in page
    fields = dict(re.findall(r'name="(request|upn|tenant)" value="([^"]+)"', page))
    fields["accept"] = "no"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    no_redirect = urllib.request.build_opener(urllib.request.HTTPSHandler(
        context=ssl.create_default_context(cafile=fakecloud.ca)), NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        no_redirect.open(f"{fakecloud.https}/_signin/consent",
                         urllib.parse.urlencode(fields).encode(), timeout=10)
    response = dict(urllib.parse.parse_qsl(
        urllib.parse.urlparse(redirect.value.headers["Location"]).query))
    assert response["error"] == "access_denied"
    result = app.acquire_token_by_auth_code_flow(flow, response)
    assert result.get("error") == "access_denied"


def test_pending_device_code_is_an_entra_shaped_error(fakecloud):
    app = public(fakecloud)
    flow = app.initiate_device_flow(scopes=PBI_SCOPES)
    # Stop after the first poll, which finds nobody has signed in yet.
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda flow: True)
    assert result["error"] == "authorization_pending", result
    assert result["error_codes"] == [70016]
    assert result["error_description"].startswith("AADSTS70016: ")
