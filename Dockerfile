# Rote's images, one target per service, from the repository root:
#
#   docker build --target analyzer -t rote-analyzer .   # analyzer: Kafka Streams, no ND4J
#   docker build --target alerting -t rote-alerting .   # alerting service: Kafka Streams, no ND4J
#   docker build --target trainer  -t rote-trainer .    # reference trainer: ND4J and Fashion-MNIST
#
# docker compose builds all three (docker-compose.yml). Run, e.g.:
#   docker run rote-analyzer analyzer --bootstrap-servers HOST:9092 --metrics-port 9401
#   docker run rote-alerting alerting --bootstrap-servers HOST:9092 --metrics-port 9402 [--rules FILE]
#   docker run rote-trainer train --bootstrap-servers HOST:9092 --label-noise 0.4 --metrics-port 9403

# ---- build: every module once, then each image's runtime classpath ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# package builds every module; build-classpath writes each module's runtime classpath (Rote's own
# jars included) to MODULE/target/runtime-classpath.txt. An image gets its module's jar and the
# jars on that list, and nothing else: the analyzer's and the alerting service's carry no ND4J.
RUN mvn -B -q -DskipTests package dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile=target/runtime-classpath.txt \
 && for m in analyzer alerting cli; do \
      mkdir -p /app/$m/lib \
      && cp $m/target/rote-$m-*.jar /app/$m/lib/ \
      && tr ':' '\n' < $m/target/runtime-classpath.txt | xargs -r cp -t /app/$m/lib/; \
    done

# ---- what the Kafka Streams services share: a JRE and an unprivileged user ----
FROM eclipse-temurin:17-jre AS service
RUN useradd --system --create-home --uid 10001 rote
USER rote
WORKDIR /home/rote

# ---- analyzer: telemetry in, memorization indicators out ----
FROM service AS analyzer
COPY --from=build /app/analyzer/lib /app/lib
EXPOSE 9401
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.rote.analyzer.cli.AnalyzerMain"]
CMD ["analyzer", "--bootstrap-servers", "kafka:9092", "--metrics-port", "9401"]

# ---- alerting: indicators in, alerts and stop signals out ----
FROM service AS alerting
COPY --from=build /app/alerting/lib /app/lib
EXPOSE 9402
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.rote.alerting.cli.AlertingMain"]
CMD ["alerting", "--bootstrap-servers", "kafka:9092", "--metrics-port", "9402"]

# ---- trainer: the command line with the reference trainer (ND4J), on Debian for the data set ----
FROM debian:bookworm-slim AS trainer
# openjdk's postinst links its man pages; the slim image has no man directories.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 rote
# ND4J with its default OpenMP threads stalls on small hosts; one thread per JVM (see README, Threads).
ENV OMP_NUM_THREADS=1
COPY --from=build /app/cli/lib /app/lib
USER rote
WORKDIR /home/rote
EXPOSE 9403
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "dev.rote.cli.Rote"]
CMD ["train", "--bootstrap-servers", "kafka:9092", "--label-noise", "0.4", "--metrics-port", "9403"]
