package dev.rote.alerting;
