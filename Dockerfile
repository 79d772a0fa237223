# Loupe: a local full-text search server, as a container for a team server.
#
#   docker build -t loupe .
#   docker run -d -p 8080:8080 -v /srv/docs:/docs:ro -v loupe-data:/data loupe
#
# The build stage compiles both programs and runs the unit tests; the final image holds only
# loupe-index, loupe-server, their runtime libraries, Xapian's tools (xapian-replicate-server and
# xapian-replicate, for read replicas), web/ and seeds/. See docker/ and the README's "Docker"
# section for the entrypoint, the environment variables and compose.yml; docs/replicas.md for
# LOUPE_ROLE and compose.replicas.yml.

# ---------------------------------------------------------------------------- build stage
FROM debian:bookworm-slim AS build
ARG DEBIAN_FRONTEND=noninteractive
# libmd4c-html0-dev: Debian's md4c CMake config checks for libmd4c-html's files too.
# xapian-tools: the unit tests search a shard served by xapian-tcpsrv.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config \
      libxapian-dev libicu-dev libcpp-httplib-dev nlohmann-json3-dev doctest-dev \
      libcli11-dev libxml2-dev libmd4c-dev libmd4c-html0-dev libxxhash-dev libjemalloc-dev \
      libpoppler-cpp-dev libzip-dev libgmime-3.0-dev libcld2-dev xapian-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build -j"$(nproc)" \
 && ctest --test-dir build -L unit --output-on-failure \
 && strip build/loupe-index build/loupe-extract build/loupe-server

# ---------------------------------------------------------------------------- runtime files
# The final image's files, assembled on Debian and copied whole into an empty image below: what
# is deleted here is gone from the image, not only hidden in a later layer.
FROM debian:bookworm-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# Runtime libraries only (the -dev packages above pull these in at build time), and xapian-tools
# (0.7 MB) for the replication programs of LOUPE_ROLE=master and replica. poppler pulls in
# fontconfig and a font, for drawing pages; reading their text needs neither. GMime needs gpgme,
# which is content with gpg alone: named here, it stands in for the whole of gnupg (13 MB).
# Once they are in, the image needs no package manager (apt and its library, 7.5 MB: the image
# stays under 150 MB), nor Perl (dpkg's scripts' language, 7 MB), nor CLD2's two other builds of
# itself (6 MB: Loupe links libcld2.so.0), nor documentation beyond the licences.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libxapian30 libicu72 libcpp-httplib0.11 libxml2 libmd4c0 libxxhash0 libjemalloc2 \
      libpoppler-cpp0v5 libzip4 libgmime-3.0-0 libcld2-0 gpg xapian-tools \
 && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt/* /var/log/dpkg.log \
 && rm -rf /usr/share/fonts /var/cache/fontconfig \
 && dpkg --purge apt libapt-pkg6.0 \
 && dpkg --purge --force-remove-essential perl-base \
 && rm -f /usr/lib/x86_64-linux-gnu/libcld2_full.so* /usr/lib/x86_64-linux-gnu/libcld2_dynamic.so* \
 && rm -rf /var/cache/apt /var/lib/apt /etc/apt \
 && find /usr/share/doc -type f ! -name copyright -delete \
 && groupadd --system --gid 10001 loupe \
 && useradd --system --uid 10001 --gid loupe --home-dir /data --no-create-home \
            --shell /usr/sbin/nologin loupe \
 && mkdir -p /data /docs /opt/loupe \
 && chown loupe:loupe /data \
 && chmod 0755 /data /docs

COPY --from=build /src/build/loupe-index /src/build/loupe-extract /src/build/loupe-server /usr/local/bin/
COPY --from=build /src/web /opt/loupe/web
COPY --from=build /src/seeds /opt/loupe/seeds
COPY docker/entrypoint.sh /usr/local/bin/loupe-entrypoint
COPY docker/healthcheck.sh /usr/local/bin/loupe-healthcheck
# Fail the build here, not at run time, if a runtime library is missing.
RUN chmod 0755 /usr/local/bin/loupe-entrypoint /usr/local/bin/loupe-healthcheck \
 && chmod -R a+rX /opt/loupe \
 && if ldd /usr/local/bin/loupe-index /usr/local/bin/loupe-extract /usr/local/bin/loupe-server | grep 'not found'; then exit 1; fi \
 && loupe-index --help >/dev/null && loupe-server --help >/dev/null \
 && xapian-replicate --version >/dev/null && xapian-replicate-server --version >/dev/null \
 && command -v setsid >/dev/null

# ---------------------------------------------------------------------------- final image
FROM scratch
COPY --from=runtime / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LOUPE_DOCS=/docs \
    LOUPE_SEEDS=/opt/loupe/seeds \
    LOUPE_DB=/data/index \
    LOUPE_WEB=/opt/loupe/web \
    LOUPE_BIND=0.0.0.0 \
    LOUPE_PORT=8080 \
    LOUPE_REFRESH_SECONDS=30

USER loupe:loupe
WORKDIR /data
VOLUME /data
EXPOSE 8080
# Plain bash (/dev/tcp), so no curl in the image. Generous start period: the first start
# indexes /docs before it serves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["/usr/local/bin/loupe-healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/loupe-entrypoint"]
CMD []
