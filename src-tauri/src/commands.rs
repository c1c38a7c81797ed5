//! The commands the UI may call. Each is granted to the main window in `capabilities/`.

/// What the first wizard step shows: version, goals and clouds.
#[tauri::command]
pub fn app_info() -> keyway::AppInfo {
    keyway::app_info()
}

#[cfg(test)]
mod tests {
    #[test]
    fn app_info_lists_every_cloud_and_goal() {
        let info = super::app_info();
        assert_eq!(info.clouds.len(), 5);
        assert_eq!(info.goals.len(), 4);
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["clouds"][0]["id"], "public");
        assert!(
            json["clouds"][0]["authorityHost"].is_string(),
            "camelCase for the UI"
        );
    }
}
