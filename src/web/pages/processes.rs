use std::sync::Arc;
use axum::Router;
use crate::web::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
}
