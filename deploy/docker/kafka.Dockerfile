# Apache Kafka (KRaft) on Debian's Java 17: the broker's jars come from Maven
# Central (org.apache.kafka:kafka_2.13 and its runtime dependencies, the same
# set `inplay up` runs locally), staged by `npx inplay images build` in libs/.
# Configuration is environment: every KAFKA_<NAME> becomes the property
# <name> with "_" read as "." (KAFKA_NODE_ID -> node.id), as in the Apache
# image; KAFKA_CLUSTER_ID (the same on every node) formats the storage on
# first start; KAFKA_HEAP_OPTS sets the heap. SASL/SCRAM-SHA-512 with ACLs
# (KAFKA_SCRAM_USERS or KAFKA_SCRAM_USERS_DIR, admin the super user) and TLS
# from PEM files (KAFKA_TLS_DIR): see kafka-entrypoint.sh.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1001 kafka && useradd --uid 1001 --gid kafka --no-create-home --shell /bin/sh kafka \
 && mkdir -p /var/lib/kafka/data /opt/kafka/config \
 && chown -R kafka:kafka /var/lib/kafka /opt/kafka/config
COPY libs/ /opt/kafka/libs/
COPY kafka-entrypoint.sh /usr/local/bin/kafka-entrypoint.sh
USER kafka
ENV KAFKA_LOG_DIRS=/var/lib/kafka/data \
    KAFKA_HEAP_OPTS="-Xms128m -Xmx512m"
EXPOSE 9092 9093
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=20 CMD ["/usr/local/bin/kafka-entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kafka-entrypoint.sh"]
