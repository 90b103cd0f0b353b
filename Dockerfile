# Multi-stage build of the release binary. The runtime image holds only the binary, the PostgreSQL
# client library, OpenSSL (https to other servers, signature checks) and CA certificates; SQLite is
# compiled into the binary.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
# Sources, templates, strings, migrations and assets are all compiled into the binary.
COPY . .
RUN cargo build --release --locked --bin plenum

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/plenum --create-home plenum
COPY --from=build /src/target/release/plenum /usr/local/bin/plenum
USER plenum
WORKDIR /var/lib/plenum
ENV DATABASE_URL=sqlite:///var/lib/plenum/plenum.db \
    PLENUM_BIND=0.0.0.0:8080
VOLUME /var/lib/plenum
EXPOSE 8080
CMD ["plenum", "serve"]
