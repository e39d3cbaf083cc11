import { ActionIcon, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { CommandErrorAlert } from '../components/CommandErrorAlert';

/** A row's edit and delete buttons, named for the record they act on (contacts, destinations). */
export function EditDeleteIcons({ name, onEdit, onDelete }: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${name}`} onClick={onEdit}>
        <IconPencil size={18} />
      </ActionIcon>
      <ActionIcon variant="subtle" color="red" aria-label={`Delete ${name}`} onClick={onDelete}>
        <IconTrash size={18} />
      </ActionIcon>
    </>
  );
}

/**
 * Asks before deleting a record (`noun`: "contact", "destination"): what deleting it means,
 * Keep or Delete, and the command's error in words if it refused. Open while `record` is set.
 */
export function DeleteRecordModal<T extends { id: string }>({
  noun,
  record,
  consequence,
  deleteRecord,
  queryKey,
  onClose,
}: {
  noun: string;
  record: T | null;
  consequence: (record: T) => ReactNode;
  deleteRecord: (id: string) => Promise<unknown>;
  queryKey: readonly string[];
  onClose: () => void;
}) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: deleteRecord,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey });
      onClose();
    },
  });
  const close = () => {
    remove.reset();
    onClose();
  };

  return (
    <Modal opened={record !== null} onClose={close} title={`Delete this ${noun}?`}>
      {record !== null && (
        <Stack gap="md">
          <Text size="sm">{consequence(record)}</Text>
          {remove.isError && <CommandErrorAlert title={`The ${noun} was not deleted`} error={remove.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep {noun}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => {
                remove.mutate(record.id);
              }}
            >
              Delete {noun}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
