#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! The wizard's core as the desktop commands use it, against fakecloud: a secret typed once,
//! sign-in, checks, saving (keyring first, nothing half-saved), and signing in again from the
//! saved connection.

mod common;

use keyway::cloud::CloudId;
use keyway::goal::{Goal, Method};
use keyway::powerbi::ladder::Plan;
use keyway::profile::ProfileStore;
use keyway::secret::{ClientSecret, RefreshToken};
use keyway::vault::{Vault, VaultError};
use keyway::wizard::{Draft, FromProfile, Session, SignInEvent, Typed};
use std::sync::Mutex;

const SECRET: &str = "Emb8Q~current.secret-value_0123456789abcdef";

fn draft(custom: &keyway::Cloud) -> Draft {
    Draft {
        goal: Some(Goal::Embed),
        cloud: CloudId::Custom,
        custom: Some(keyway::cloud::CustomEndpoints {
            authority_host: custom.authority_host.clone(),
            powerbi_api: custom.powerbi_api.clone(),
            fabric_api: custom.fabric_api.clone(),
            ..Default::default()
        }),
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "11111111-1111-4111-8111-111111111111".into(),
        method: Some(Method::ClientSecret),
        ..Draft::default()
    }
}

/// A session that trusts the emulator's addresses, as Settings would after the person typed them.
fn session_for(cloud: &fakecloud::Running, custom: &keyway::Cloud) -> Session {
    let session = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    session
        .trust_custom_cloud(draft(custom).custom.unwrap())
        .unwrap();
    session
}

/// Where the keyring keeps a connection's secrets: bound to the emulator's sign-in host.
fn key(name: &str, custom: &keyway::Cloud) -> String {
    keyway::wizard::secret_key(name, custom)
}

fn temp_store(name: &str) -> ProfileStore {
    let dir = std::env::temp_dir().join(format!("keyway-wizard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ProfileStore::at(dir.join("profiles.json"))
}

#[tokio::test]
async fn typed_once_signed_in_checked_saved_and_signed_in_again() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    // A pasted Secret ID is refused before anything is sent; the value is kept, with a hint.
    let refused = session
        .remember(Typed::ClientSecret, "5ec1d000-0000-4000-8000-000000000001")
        .unwrap_err();
    assert_eq!(refused.code, "SECRET_IS_SECRET_ID");
    assert_eq!(
        session.remember(Typed::ClientSecret, SECRET).unwrap(),
        "…cdef"
    );

    let d = draft(&custom);
    assert!(d.problems().is_empty());
    let summary = session
        .sign_in(d.clone(), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    assert!(summary.app_only);
    assert_eq!(summary.secret_hint.as_deref(), Some("…cdef"));
    assert!(!serde_json::to_string(&summary).unwrap().contains(SECRET));

    let outcome = session
        .check(Plan::new(Goal::Embed), &|_| {})
        .await
        .unwrap();
    assert!(outcome.ok, "{outcome:#?}");

    let store = temp_store("life");
    let vault = Vault::session_only();
    let saved = session
        .save(
            "Sales embed",
            false,
            Some("2099-06-30".into()),
            &store,
            || Ok(vault.clone()),
        )
        .unwrap();
    assert_eq!(saved.secret_location, Some(vault.place()));
    assert_eq!(
        vault
            .load::<ClientSecret>(&key("Sales embed", &custom))
            .unwrap()
            .map(|s| s.expose().to_string())
            .as_deref(),
        Some(SECRET)
    );
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(!text.contains(SECRET), "no secret in the profile file");
    let cards = keyway::wizard::profile_cards(&store.load().unwrap(), keyway::clock::now());
    assert_eq!(
        (cards[0].name.as_str(), cards[0].badge),
        ("Sales embed", "working")
    );

    // The same name again is refused before the keyring is touched.
    let again = session.save("Sales embed", false, None, &store, || Ok(vault.clone()));
    assert_eq!(again.unwrap_err().code, "PROFILE_EXISTS");

    // A new session signs in from the saved connection, its secret from the keyring.
    let later = Session::new(Some(cloud.ca_pem.as_bytes())).unwrap();
    let profile = store.get("Sales embed").unwrap();
    let s = later
        .sign_in_saved(FromProfile::new(&profile, &vault), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    assert_eq!(s.secret_hint.as_deref(), Some("…cdef"));
    assert!(later.access_token().is_some());
}

#[tokio::test]
async fn a_locked_keyring_leaves_nothing_half_saved() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    session.remember(Typed::ClientSecret, SECRET).unwrap();
    session
        .sign_in(draft(&custom), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let store = temp_store("locked");
    let locked = || {
        Err(VaultError {
            code: "KEYRING_LOCKED",
            message: "Your keyring is locked.".into(),
            fix: "Unlock it, then save again.".into(),
            detail: "org.freedesktop.Secret.Error.IsLocked".into(),
        })
    };
    let e = session
        .save("Sales embed", false, None, &store, locked)
        .unwrap_err();
    assert_eq!(e.code, "KEYRING_LOCKED");
    assert!(e.fix[0].contains("Unlock"));
    assert!(
        store.load().unwrap_or_default().is_empty(),
        "no profile without its secret"
    );
    // The secret is still held: saving again once the keyring opens works.
    let vault = Vault::session_only();
    session
        .save("Sales embed", false, None, &store, || Ok(vault.clone()))
        .unwrap();
    assert!(vault
        .load::<ClientSecret>(&key("Sales embed", &custom))
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn device_code_events_reach_the_window_and_the_refresh_token_is_kept() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    let mut d = draft(&custom);
    d.client_id = "33333333-3333-4333-8333-333333333333".into();
    d.method = Some(Method::DeviceCode);
    d.goal = Some(Goal::Delegated);
    let codes = Mutex::new(vec![]);
    let approve = common::approve_device_code(&cloud, &codes);
    let (signed, ()) = tokio::join!(
        session.sign_in(
            d,
            |e| {
                if let SignInEvent::DeviceCode { info } = e {
                    codes.lock().unwrap().push(info.user_code);
                }
            },
            |_: &str| Ok(())
        ),
        approve
    );
    assert_eq!(signed.unwrap().who, "ada@contoso.com");
    let vault = Vault::session_only();
    session
        .save("Me", false, None, &temp_store("device"), || {
            Ok(vault.clone())
        })
        .unwrap();
    assert!(vault
        .load::<RefreshToken>(&key("Me", &custom))
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn a_secrets_expiry_date_is_noted_and_shows_on_the_card() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    session.remember(Typed::ClientSecret, SECRET).unwrap();
    session
        .sign_in(draft(&custom), |_| {}, |_: &str| Ok(()))
        .await
        .unwrap();
    let store = temp_store("expiry");
    let vault = Vault::session_only();
    session
        .save("Sales embed", false, None, &store, || Ok(vault.clone()))
        .unwrap();
    let e =
        keyway::wizard::set_secret_expiry(&store, "Sales embed", Some("31/01/2027")).unwrap_err();
    assert_eq!(e.code, "DATE_INVALID");
    let soon = time::OffsetDateTime::now_utc() + time::Duration::days(10);
    let date = format!(
        "{:04}-{:02}-{:02}",
        soon.year(),
        u8::from(soon.month()),
        soon.day()
    );
    keyway::wizard::set_secret_expiry(&store, "Sales embed", Some(&date)).unwrap();
    let card = &keyway::wizard::profile_cards(&store.load().unwrap(), keyway::clock::now())[0];
    assert_eq!(card.badge, "expiring");
    assert_eq!(card.secret_expires.as_deref(), Some(date.as_str()));
    keyway::wizard::set_secret_expiry(&store, "Sales embed", None).unwrap();
    assert_eq!(store.get("Sales embed").unwrap().secret_expires, None);
}

#[tokio::test]
async fn no_character_of_a_password_comes_back() {
    let session = Session::new(None).unwrap();
    for kind in [Typed::Password, Typed::CertificatePassword] {
        let shown = session
            .remember(kind, "correct horse battery staple")
            .unwrap();
        assert_eq!(shown, "…", "{kind:?}");
    }
    // A client secret still shows its last four, to tell two apart.
    assert_eq!(
        session.remember(Typed::ClientSecret, SECRET).unwrap(),
        "…cdef"
    );
}

/// Signs in with the client secret typed earlier; the code of the failure, if any.
async fn sign_in_code(session: &Session, custom: &keyway::Cloud) -> Result<(), String> {
    session
        .sign_in(draft(custom), |_| {}, |_: &str| Ok(()))
        .await
        .map(drop)
        .map_err(|x| x.code)
}

#[tokio::test]
async fn typed_secrets_are_dropped_after_saving_on_cancel_and_when_forgotten() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    let missing = Err("SECRET_MISSING".to_string());

    // Saved: the secret is in the keyring, no longer in the session.
    session.remember(Typed::ClientSecret, SECRET).unwrap();
    assert_eq!(sign_in_code(&session, &custom).await, Ok(()));
    let vault = Vault::session_only();
    session
        .save("Sales embed", false, None, &temp_store("drop"), || {
            Ok(vault.clone())
        })
        .unwrap();
    assert_eq!(sign_in_code(&session, &custom).await, missing);
    assert!(vault
        .load::<ClientSecret>(&key("Sales embed", &custom))
        .unwrap()
        .is_some());

    // Cancelled: typed again to go on.
    session.remember(Typed::ClientSecret, SECRET).unwrap();
    session.cancel();
    assert_eq!(sign_in_code(&session, &custom).await, missing);

    // Forgotten (a new connection in the window): secrets, token and answers all go.
    session.remember(Typed::ClientSecret, SECRET).unwrap();
    assert_eq!(sign_in_code(&session, &custom).await, Ok(()));
    session.forget();
    assert_eq!(sign_in_code(&session, &custom).await, missing);
    assert!(session.access_token().is_none());
    let check = session.check(Plan::new(Goal::Embed), &|_| {}).await;
    assert_eq!(check.unwrap_err().code, "NOT_SIGNED_IN");
}

#[tokio::test]
async fn a_saved_sign_in_keeps_the_rotated_refresh_token() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    let mut d = draft(&custom);
    d.client_id = "33333333-3333-4333-8333-333333333333".into();
    d.method = Some(Method::DeviceCode);
    d.goal = Some(Goal::Delegated);
    let codes = Mutex::new(vec![]);
    let approve = common::approve_device_code(&cloud, &codes);
    let on = |e: SignInEvent| {
        if let SignInEvent::DeviceCode { info } = e {
            codes.lock().unwrap().push(info.user_code);
        }
    };
    let (signed, ()) = tokio::join!(session.sign_in(d, on, |_: &str| Ok(())), approve);
    signed.unwrap();
    let store = temp_store("rotate");
    let vault = Vault::session_only();
    session
        .save("Me", false, None, &store, || Ok(vault.clone()))
        .unwrap();
    let kept = |v: &Vault| {
        v.load::<RefreshToken>(&key("Me", &custom))
            .unwrap()
            .map(|t| t.digest())
            .expect("a refresh token in the keyring")
    };
    let first = kept(&vault);

    // Signing in again from the saved connection uses the refresh token (no device code), and
    // the keyring then holds the new one fakecloud rotated to.
    let profile = store.get("Me").unwrap();
    let no_person =
        |e: SignInEvent| panic!("the refresh token should have signed in silently: {e:?}");
    for _ in 0..2 {
        let before = kept(&vault);
        let later = session_for(&cloud, &custom);
        let s = later
            .sign_in_saved(FromProfile::new(&profile, &vault), no_person, |_: &str| {
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(s.who, "ada@contoso.com");
        let after = kept(&vault);
        assert_ne!(
            after, before,
            "the rotated refresh token replaced the old one"
        );
        assert_ne!(after, first);
        let issued = later.token().unwrap().refresh_token.unwrap();
        assert_eq!(
            after,
            issued.digest(),
            "the one just issued is the one kept"
        );
    }
}

/// A person's password sign-in that meets multi-factor sign-in can never run unattended: the
/// explanation says so and offers an app that signs in as itself.
#[tokio::test]
async fn a_master_user_who_needs_multi_factor_is_offered_an_app_instead() {
    let (cloud, custom, _) = common::emulator().await;
    let session = session_for(&cloud, &custom);
    session
        .remember(Typed::Password, "Correct-Horse-42")
        .unwrap();
    let mut d = draft(&custom);
    d.method = Some(Method::Password);
    d.client_id = "33333333-3333-4333-8333-333333333333".into();
    d.username = Some("grace@contoso.com".into());
    let x = session
        .sign_in(d, |_| {}, |_: &str| Ok(()))
        .await
        .unwrap_err();
    assert_eq!(x.code, "AADSTS50076");
    assert_eq!(x.instead.as_deref(), Some("service-principal"));
    assert!(x.cause.contains("unattended"), "{}", x.cause);
    assert!(x.fix.last().unwrap().contains("Set it up for me"));
    cloud.stop();
}
