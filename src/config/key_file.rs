//! The key file: where the instance's secret key lives (never beside the database), and how it
//! is made the first time.

use std::path::Path;

use url::Url;

use super::ConfigError;

/// Where the key file is when no setting names one. Not beside the database: a backup or a copy
/// of the database's folder would then hold both, and the key is what keeps a copy from linking
/// ballots to voters. New installations get `~/.config/plenum/NAME-HASH.key` (or
/// `$XDG_CONFIG_HOME/plenum/…`), named after the database so that two instances on one machine
/// never share a key; a key an older version created beside the database (`town.db.key`, or
/// `plenum-secret.key` in the working folder for PostgreSQL) is still used, with a warning,
/// since a new key would leave every sealed ballot unreadable.
pub(super) fn default_key_file(database_url: &str) -> String {
    let legacy = legacy_key_file(database_url);
    if Path::new(&legacy).exists() {
        tracing::warn!(
            key_file = %legacy,
            "the secret key file is beside the database: move it elsewhere and set PLENUM_SECRET_KEY_FILE (docs/operations.md)"
        );
        return legacy;
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| Path::new(&h).join(".config"))
        });
    let Some(config_home) = config_home else {
        return legacy;
    };
    let dir = config_home.join("plenum");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    if builder.create(&dir).is_err() {
        return legacy;
    }
    dir.join(key_file_name(database_url)).display().to_string()
}

/// `town.db` → `town.db-1a2b3c4d.key`: the name says which database, the hash of its full
/// address (without a password) tells two databases of one name apart.
fn key_file_name(database_url: &str) -> String {
    use sha2::Digest;
    let (name, address) = if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        let absolute = std::fs::canonicalize(
            Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
        .map(|dir| dir.join(Path::new(path).file_name().unwrap_or_default()))
        .unwrap_or_else(|_| Path::new(path).to_path_buf());
        let name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("plenum")
            .to_string();
        (name, absolute.display().to_string())
    } else {
        let mut url = Url::parse(database_url).ok();
        if let Some(u) = url.as_mut() {
            let _ = u.set_password(None);
        }
        let address = url.map(|u| u.to_string()).unwrap_or_default();
        let name = address
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("postgres")
            .to_string();
        (name, address)
    };
    let safe = crate::text::ascii_file_name(&name);
    let hash = hex::encode(&sha2::Sha256::digest(address.as_bytes())[..4]);
    format!("{safe}-{hash}.key")
}

/// Where versions before 2026-12 put the key: beside an SQLite file (`town.db` →
/// `town.db.key`); in the working directory for PostgreSQL.
fn legacy_key_file(database_url: &str) -> String {
    if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        if path != ":memory:" && !path.is_empty() {
            return format!("{path}.key");
        }
    }
    "plenum-secret.key".into()
}

pub(super) fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(super) fn read_or_create_key(path: &Path) -> Result<Vec<u8>, ConfigError> {
    let error = |source| ConfigError::SecretKey {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(error)?;
            std::io::Write::write_all(&mut file, key.as_bytes()).map_err(error)?;
            Ok(key.into_bytes())
        }
        Err(e) => Err(error(e)),
    }
}

#[cfg(test)]
mod key_file_tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("plenum-keytest-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_default_key_file_is_not_beside_the_database_and_is_its_own() {
        let config_home = temp_dir("config");
        // Each test runs in its own process under nextest: the variable is ours alone.
        std::env::set_var("XDG_CONFIG_HOME", &config_home);
        let data = temp_dir("data");
        let other = temp_dir("other");
        let one = default_key_file(&format!("sqlite://{}", data.join("town.db").display()));
        let two = default_key_file(&format!("sqlite://{}", other.join("town.db").display()));
        assert!(
            one.starts_with(&config_home.join("plenum").display().to_string()),
            "{one}"
        );
        assert!(!one.starts_with(&data.display().to_string()), "{one}");
        assert_ne!(one, two, "two databases of one name get two keys");
        let pg = default_key_file("postgres://plenum:hunter2@db.example/town");
        assert!(!pg.contains("hunter2") && pg.ends_with(".key"), "{pg}");
        // A key an older version left beside the database is still the one used.
        let legacy = data.join("town.db.key");
        std::fs::write(&legacy, "k").unwrap();
        assert_eq!(
            default_key_file(&format!("sqlite://{}", data.join("town.db").display())),
            legacy.display().to_string()
        );
        for dir in [config_home, data, other] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
