#!/usr/bin/env bash
# Deploys one commit's images to the cluster: an overlay on infra/k8s pins the three images to
# <registry>/tt-*:<tag>, `kubectl apply -k` applies it, and each rollout must finish (a failed
# rollout fails the deploy). Usage: infra/deploy.sh <registry, e.g. ghcr.io/owner> <tag>, with
# KUBECONFIG_DATA holding a base64 kubeconfig (a CI secret).
set -euo pipefail
registry="${1:?registry (ghcr.io/owner)}"
tag="${2:?image tag}"
base="$(cd "$(dirname "$0")/k8s" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s' "${KUBECONFIG_DATA:?KUBECONFIG_DATA is not set}" | base64 -d >"$work/kubeconfig"
export KUBECONFIG="$work/kubeconfig"

mkdir "$work/overlay"
cp -r "$base" "$work/overlay/base"
{
  echo 'apiVersion: kustomize.config.k8s.io/v1beta1'
  echo 'kind: Kustomization'
  echo 'resources: [base]'
  echo 'images:'
  for image in tt-bff tt-worker tt-ml; do
    echo "  - name: ghcr.io/trading-twin/$image"
    echo "    newName: $registry/$image"
    echo "    newTag: \"$tag\""
  done
} >"$work/overlay/kustomization.yaml"

kubectl apply -k "$work/overlay"
for deployment in ml bff worker; do
  kubectl -n trading-twin rollout status "deployment/$deployment" --timeout=5m
done
