fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_info",
            "list_profiles",
            "open_profile",
            "delete_profile",
            "set_secret_expiry",
            "validate_draft",
            "remember_secret",
            "sign_in",
            "sign_in_saved",
            "cancel_sign_in",
            "forget_session",
            "run_checks",
            "save_connection",
            "snippets",
            "copy_access_token",
            "support_report",
            "portal_link",
            "open_link",
            "read_preset",
            "trust_preset_cloud",
            "set_custom_cloud",
        ]),
    ))
    .expect("failed to run tauri-build");
}
