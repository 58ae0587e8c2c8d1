# Shared by the sample scripts: where the bundle listens and which store it serves.
# Override with environment variables, e.g. DICOM_API=http://host:8080 DICOM_API_TOKEN=secret.
DICOM_API="${DICOM_API:-http://localhost:8080}"
DICOM_STORE="${DICOM_STORE:-projects/local/locations/local/datasets/local/dicomStores/local}"
BASE="${DICOM_API}/v1/${DICOM_STORE}"
# Google's examples send "Authorization: Bearer $(gcloud auth print-access-token)"; here the token is
# one of dicom.api.tokens, and no header at all when authentication is off.
AUTH=()
if [ -n "${DICOM_API_TOKEN:-}" ]; then
  AUTH=(-H "Authorization: Bearer ${DICOM_API_TOKEN}")
fi
