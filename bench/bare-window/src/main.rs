//! The smallest Tauri 2 app: one window, one static page. Only for benchmarks.

fn main() {
    #[allow(clippy::expect_used)]
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window could not start");
}
