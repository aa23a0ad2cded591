package dev.rote.analyzer;
